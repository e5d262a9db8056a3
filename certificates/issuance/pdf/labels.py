"""Every printed caption in Russian, English and Uzbek (Latin), and the pair a certificate prints.

CT-1 is a Russian-language form, so Russian always comes first; the exporter picks the second
language (``Application.print_language``: ``en`` or ``uz``). Captions are data, not gettext
messages: a certificate prints the same two languages whoever requests it.
"""

from __future__ import annotations

from dataclasses import dataclass

SECOND_LANGUAGES = ("en", "uz")

# key: (Russian, English, Uzbek)
CAPTIONS: dict[str, tuple[str, str, str]] = {
    "title": ("СЕРТИФИКАТ НА ТОВАРЫ", "CERTIFICATE OF GOODS", "TOVARLAR SERTIFIKATI"),
    "certificate_no": ("Сертификат №", "Certificate No.", "Sertifikat №"),
    "continued": ("продолжение", "continued", "davomi"),
    "verify": ("Проверка", "Verify", "Tekshirish"),
    "page": ("Стр. {page} из {pages}", "Page {page} of {pages}", "{page}-bet, jami {pages}"),
    "exporter": ("Экспортер", "Exporter", "Eksportyor"),
    "consignee": ("Грузополучатель", "Consignee", "Yuk qabul qiluvchi"),
    "transport": (
        "Средства транспорта и маршрут",
        "Means of transport and route",
        "Transport vositasi va yoʻnalish",
    ),
    "goods": ("Товары", "Goods", "Tovarlar"),
    "official_use": ("Для служебных отметок", "For official use", "Xizmat belgilari uchun"),
    "scan": ("Отсканируйте для проверки", "Scan to verify", "Tekshirish uchun skanerlang"),
    "invoice": ("Счёт-фактура", "Commercial invoice", "Hisob-faktura"),
    "declaration": ("Декларация заявителя", "Declaration by the exporter", "Arizachining deklaratsiyasi"),
    "certification": ("Удостоверение", "Certification", "Tasdiqlash"),
    "address": ("Адрес", "Address", "Manzil"),
    "country": ("Страна", "Country", "Mamlakat"),
    "tax_id": ("ИНН", "Tax ID", "STIR"),
    "mode": ("Вид", "Mode", "Turi"),
    "details": ("Сведения", "Details", "Maʼlumotlar"),
    "route": ("Маршрут", "Route", "Yoʻnalish"),
    "type": ("Вид", "Type", "Turi"),
    "issued_in": ("Выдан в", "Issued in", "Berilgan joy"),
    "access_code": ("Код доступа", "Access code", "Kirish kodi"),
    "number_date": ("Номер, дата", "No., date", "Raqami, sanasi"),
    "of_date": ("от", "of", "sanasi"),
    "replacement": ("Замена", "Replacement", "Almashtirish"),
    "replaces": (
        "Выдан взамен сертификата № {number}",
        "Replaces certificate No. {number}",
        "№ {number} sertifikat oʻrniga berilgan",
    ),
    "issuer": ("Орган", "Issuer", "Bergan organ"),
    "date_of_issue": ("Дата выдачи", "Date of issue", "Berilgan sana"),
    "valid": ("Действителен", "Valid", "Amal qiladi"),
    "validity": ("с {start} по {end}", "from {start} to {end}", "{start} dan {end} gacha"),
    "number": ("Номер", "Number", "Raqam"),
    "declarant": ("Заявитель", "Exporter", "Arizachi"),
    "declared": ("Заявлено в электронной форме", "Declared electronically", "Elektron shaklda bildirilgan"),
    "declaration_text": (
        "Заявитель удостоверяет, что приведённые сведения соответствуют действительности, что все "
        "товары полностью произведены или подвергнуты достаточной переработке в стране: {country}, "
        "и что они отвечают требованиям происхождения, установленным для таких товаров.",
        "The exporter declares that the above particulars are correct, that all the goods were "
        "wholly obtained or sufficiently processed in {country} and that they comply with the origin "
        "requirements specified for those goods.",
        "Arizachi yuqoridagi maʼlumotlar haqiqatga mos ekanini, barcha tovarlar {country} mamlakatida "
        "toʻliq ishlab chiqarilgani yoki yetarli darajada qayta ishlanganini va bunday tovarlar uchun "
        "belgilangan kelib chiqish talablariga javob berishini bildiradi.",
    ),
    "certification_text": (
        "Настоящим удостоверяется, что сведения, указанные в сертификате, соответствуют "
        "представленным документам.",
        "It is hereby certified that the particulars in this certificate correspond to the "
        "documents submitted.",
        "Sertifikatda koʻrsatilgan maʼlumotlar taqdim etilgan hujjatlarga mos kelishi shu bilan "
        "tasdiqlanadi.",
    ),
    "signed": ("ПОДПИСАН ЭЛЕКТРОННОЙ ПОДПИСЬЮ", "ELECTRONICALLY SIGNED", "ELEKTRON IMZO BILAN IMZOLANGAN"),
    "not_stated": ("не указано", "not stated", "koʻrsatilmagan"),
    "total": ("Итого: {count} поз.", "Total: {count} items", "Jami: {count} ta pozitsiya"),
    "col_line": ("№", "No.", "№"),
    "col_marks": ("Маркировка; места", "Marks; packages", "Markalar; joylar"),
    "col_description": ("Описание товара", "Description of goods", "Tovar tavsifi"),
    "col_hs_code": ("Код ТН ВЭД", "HS code", "TIF TN kodi"),
    "col_criterion": ("Критерий", "Criterion", "Mezon"),
    "col_quantity": ("Количество", "Quantity", "Miqdori"),
    "col_net": ("Нетто, кг", "Net, kg", "Netto, kg"),
    "col_gross": ("Брутто, кг", "Gross, kg", "Brutto, kg"),
    "col_origin": ("Стр.", "Orig.", "Maml."),
    "col_value": ("Стоимость", "Value", "Qiymati"),
    "criteria_note": ("Критерий происхождения", "Origin criterion", "Kelib chiqish mezoni"),
    "export": ("Экспорт", "Export", "Eksport"),
    "import": ("Импорт", "Import", "Import"),
    "road": ("Автомобильный", "Road", "Avtomobil"),
    "rail": ("Железнодорожный", "Rail", "Temir yoʻl"),
    "air": ("Воздушный", "Air", "Havo"),
    "sea": ("Морской", "Sea", "Dengiz"),
    "multimodal": ("Мультимодальный", "Multimodal", "Multimodal"),
    "revoked": ("АННУЛИРОВАН", "REVOKED", "BEKOR QILINGAN"),
    "superseded": ("ЗАМЕНЁН", "SUPERSEDED", "ALMASHTIRILGAN"),
    "exhausted": ("ИСЧЕРПАН", "EXHAUSTED", "TUGAGAN"),
}


@dataclass(frozen=True)
class Captions:
    """The captions of one certificate: Russian and the chosen second language."""

    second: str = "en"

    def __post_init__(self) -> None:
        if self.second not in SECOND_LANGUAGES:
            object.__setattr__(self, "second", "en")

    def ru(self, key: str, **values: str) -> str:
        return CAPTIONS[key][0].format(**values)

    def other(self, key: str, **values: str) -> str:
        return CAPTIONS[key][1 if self.second == "en" else 2].format(**values)

    def pair(self, key: str, **values: str) -> tuple[str, str]:
        return self.ru(key, **values), self.other(key, **values)

    def both(self, key: str, sep: str = " / ", **values: str) -> str:
        """``Экспортер / Exporter``; the same words once when both languages spell them alike."""
        ru, other = self.pair(key, **values)
        return ru if ru == other else f"{ru}{sep}{other}"

    def stacked(self, key: str) -> str:
        """A caption on two lines, Russian above."""
        return self.both(key, sep="\n")


STATUS_CAPTIONS = {"revoked": "revoked", "superseded": "superseded", "exhausted": "exhausted"}


def status_label(status: str, language: str) -> str | None:
    """The stamp a certificate that is no longer valid carries on every page, or ``None``."""
    key = STATUS_CAPTIONS.get(status)
    return Captions(language).both(key) if key else None
