from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('certificates', '0013_item_ct1_fields'),
    ]

    operations = [
        migrations.CreateModel(
            name='StatusList',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('purpose', models.CharField(max_length=16, unique=True, verbose_name='purpose')),
                ('jws', models.TextField(verbose_name='vc+jwt')),
                ('valid_until', models.DateTimeField(verbose_name='valid until')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
            ],
            options={
                'verbose_name': 'status list',
                'verbose_name_plural': 'status lists',
            },
        ),
        migrations.AddField(
            model_name='certificate',
            name='credential',
            field=models.TextField(blank=True, default='', verbose_name='verifiable credential'),
        ),
        migrations.AddField(
            model_name='certificate',
            name='status_list_index',
            field=models.BigIntegerField(editable=False, null=True, unique=True, verbose_name='status list index'),
        ),
        # Existing certificates take their ids as their indexes, as new ones do when they are signed.
        migrations.RunSQL(
            "UPDATE certificates_certificate SET status_list_index = id",
            migrations.RunSQL.noop,
        ),
    ]
