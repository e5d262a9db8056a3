from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('certificates', '0012_inquiries'),
    ]

    operations = [
        migrations.AddField(
            model_name='application',
            name='print_language',
            field=models.CharField(choices=[('en', 'Russian and English'), ('uz', 'Russian and Uzbek')], db_default='en', default='en', max_length=2, verbose_name='print language'),
        ),
        migrations.AddField(
            model_name='goodsitem',
            name='marks',
            field=models.CharField(blank=True, db_default='', default='', max_length=500, verbose_name='marks and numbers'),
        ),
        migrations.AddField(
            model_name='goodsitem',
            name='origin_criterion',
            field=models.CharField(blank=True, db_default='', default='', max_length=4, verbose_name='origin criterion'),
        ),
        migrations.AddField(
            model_name='goodsitem',
            name='packages_count',
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name='number of packages'),
        ),
        migrations.AddField(
            model_name='goodsitem',
            name='packages_kind',
            field=models.CharField(blank=True, db_default='', default='', max_length=2, verbose_name='kind of packages'),
        ),
    ]
