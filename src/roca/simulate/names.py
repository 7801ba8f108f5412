"""Personal names: Latin names by region, and Chinese names in characters with their romanisations.

Chinese names carry the forms a document or a watchlist may show: simplified or traditional
characters, and Hanyu Pinyin (mainland), Wade-Giles (Taiwan) or Cantonese (Hong Kong) spelling.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from roca.simulate.rng import pick


@dataclass(frozen=True, slots=True)
class PersonName:
    latin: str  # as on a passport's machine-readable line, family name first for East Asian names
    native: str | None = None  # Chinese characters, when the person has them

    @property
    def on_passport(self) -> str:
        return self.latin.upper()


# simplified, traditional, pinyin, Cantonese, Wade-Giles
_SURNAMES = (
    ("李", "李", "Li", "Lee", "Li"), ("王", "王", "Wang", "Wong", "Wang"),
    ("张", "張", "Zhang", "Cheung", "Chang"), ("刘", "劉", "Liu", "Lau", "Liu"),
    ("陈", "陳", "Chen", "Chan", "Chen"), ("杨", "楊", "Yang", "Yeung", "Yang"),
    ("黄", "黃", "Huang", "Wong", "Huang"), ("赵", "趙", "Zhao", "Chiu", "Chao"),
    ("吴", "吳", "Wu", "Ng", "Wu"), ("周", "周", "Zhou", "Chau", "Chou"),
    ("徐", "徐", "Xu", "Tsui", "Hsu"), ("孙", "孫", "Sun", "Suen", "Sun"),
    ("马", "馬", "Ma", "Ma", "Ma"), ("朱", "朱", "Zhu", "Chu", "Chu"),
    ("胡", "胡", "Hu", "Wu", "Hu"), ("郭", "郭", "Guo", "Kwok", "Kuo"),
    ("何", "何", "He", "Ho", "Ho"), ("林", "林", "Lin", "Lam", "Lin"),
    ("高", "高", "Gao", "Ko", "Kao"), ("罗", "羅", "Luo", "Law", "Lo"),
    ("郑", "鄭", "Zheng", "Cheng", "Cheng"), ("蔡", "蔡", "Cai", "Choi", "Tsai"),
)  # fmt: skip
_GIVEN = (
    ("伟", "偉", "Wei", "Wai", "Wei"), ("芳", "芳", "Fang", "Fong", "Fang"),
    ("娜", "娜", "Na", "Na", "Na"), ("敏", "敏", "Min", "Man", "Min"),
    ("静", "靜", "Jing", "Ching", "Ching"), ("丽", "麗", "Li", "Lai", "Li"),
    ("强", "強", "Qiang", "Keung", "Chiang"), ("磊", "磊", "Lei", "Lui", "Lei"),
    ("军", "軍", "Jun", "Kwan", "Chun"), ("洋", "洋", "Yang", "Yeung", "Yang"),
    ("勇", "勇", "Yong", "Yung", "Yung"), ("杰", "傑", "Jie", "Kit", "Chieh"),
    ("涛", "濤", "Tao", "To", "Tao"), ("明", "明", "Ming", "Ming", "Ming"),
    ("超", "超", "Chao", "Chiu", "Chao"), ("霞", "霞", "Xia", "Ha", "Hsia"),
    ("平", "平", "Ping", "Ping", "Ping"), ("晓明", "曉明", "Xiaoming", "Hiu Ming", "Hsiao-ming"),
    ("建华", "建華", "Jianhua", "Kin Wah", "Chien-hua"),
    ("志强", "志強", "Zhiqiang", "Chi Keung", "Chih-chiang"),
    ("子轩", "子軒", "Zixuan", "Tsz Hin", "Tzu-hsuan"), ("欣怡", "欣怡", "Xinyi", "Yan Yi", "Hsin-yi"),
    ("浩然", "浩然", "Haoran", "Ho Yin", "Hao-jan"), ("梓涵", "梓涵", "Zihan", "Tsz Ham", "Tzu-han"),
    ("嘉欣", "嘉欣", "Jiaxin", "Ka Yan", "Chia-hsin"), ("俊杰", "俊傑", "Junjie", "Chun Kit", "Chun-chieh"),
    ("雅婷", "雅婷", "Yating", "Nga Ting", "Ya-ting"), ("家豪", "家豪", "Jiahao", "Ka Ho", "Chia-hao"),
    ("思远", "思遠", "Siyuan", "Sze Yuen", "Ssu-yuan"),
)  # fmt: skip
# The namesakes every screening team knows: so common that a watchlist hit on them is usually false.
COMMON_CHINESE = (
    PersonName("Li Wei", "李伟"), PersonName("Wang Fang", "王芳"), PersonName("Zhang Wei", "张伟"),
    PersonName("Wang Wei", "王伟"), PersonName("Liu Yang", "刘洋"), PersonName("Li Na", "李娜"),
    PersonName("Zhang Min", "张敏"), PersonName("Chen Jing", "陈静"), PersonName("Wang Jing", "王静"),
    PersonName("Li Qiang", "李强"),
)  # fmt: skip

_LATIN: dict[str, tuple[tuple[str, ...], tuple[str, ...], bool]] = {
    # style: (given names, family names, family name first)
    "en": (("James", "Emily", "Daniel", "Sarah", "Michael", "Olivia", "David", "Chloe", "Ryan", "Grace"),
           ("Smith", "Johnson", "Brown", "Taylor", "Walker", "Wilson", "Clarke", "Evans", "Murphy", "Hughes"),
           False),
    "de": (("Lukas", "Anna", "Jonas", "Lea", "Felix", "Hannah", "Tobias", "Julia"),
           ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Wagner", "Becker", "Hoffmann"), False),
    "fr": (("Louis", "Camille", "Hugo", "Léa", "Julien", "Manon", "Nicolas", "Chloé"),
           ("Martin", "Bernard", "Dubois", "Durand", "Lefebvre", "Moreau", "Laurent", "Girard"), False),
    "es": (("Alejandro", "Lucía", "Javier", "Sofía", "Carlos", "Valentina", "Diego", "Camila"),
           ("García", "Rodríguez", "Martínez", "López", "González", "Pérez", "Sánchez", "Romero"), False),
    "pt": (("João", "Ana", "Pedro", "Mariana", "Lucas", "Beatriz", "Gabriel", "Larissa"),
           ("Silva", "Santos", "Oliveira", "Souza", "Pereira", "Costa", "Almeida", "Ferreira"), False),
    "it": (("Marco", "Giulia", "Luca", "Francesca", "Matteo", "Chiara"),
           ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano"), False),
    "nl": (("Daan", "Sanne", "Bram", "Lotte", "Thijs", "Eva"),
           ("de Jong", "Jansen", "de Vries", "van Dijk", "Bakker", "Visser"), False),
    "pl": (("Jakub", "Zofia", "Kacper", "Maja", "Piotr", "Ewa"),
           ("Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kamiński", "Lewandowska"), False),
    "ru": (("Dmitry", "Anna", "Alexei", "Elena", "Sergei", "Olga", "Ivan", "Natalia"),
           ("Ivanov", "Smirnov", "Kuznetsov", "Popov", "Volkov", "Sokolova", "Morozov", "Petrova"), False),
    "uk": (("Oleksandr", "Olena", "Andriy", "Iryna", "Mykola", "Kateryna"),
           ("Shevchenko", "Kovalenko", "Bondarenko", "Tkachenko", "Kravchenko", "Melnyk"), False),
    "tr": (("Mehmet", "Ayşe", "Mustafa", "Elif", "Emre", "Zeynep", "Burak", "Merve"),
           ("Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Aydın", "Öztürk"), False),
    "ar": (("Ahmed", "Fatima", "Omar", "Aisha", "Khalid", "Mariam", "Yousef", "Noura"),
           ("Al Mansoori", "Al Hashimi", "Haddad", "Khalil", "Nasser", "Saleh", "Rahman", "Aziz"), False),
    "hi": (("Rahul", "Priya", "Amit", "Ananya", "Vikram", "Sneha", "Arjun", "Pooja"),
           ("Sharma", "Patel", "Singh", "Kumar", "Gupta", "Reddy", "Nair", "Iyer"), False),
    "yo": (("Chinedu", "Ngozi", "Oluwaseun", "Funmilayo", "Emeka", "Adaeze", "Tunde", "Amaka"),
           ("Okafor", "Adeyemi", "Okonkwo", "Balogun", "Eze", "Ogunleye", "Nwosu", "Bello"), False),
    "ja": (("Haruto", "Yui", "Sota", "Aoi", "Ren", "Hina", "Kaito", "Sakura"),
           ("Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura"), True),
    "ko": (("Minjun", "Seoyeon", "Jihoon", "Jiwoo", "Hyunwoo", "Soyeon", "Dohyun", "Yuna"),
           ("Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon"), True),
    "vi": (("Minh", "Linh", "Hung", "Trang", "Tuan", "Huong", "Duc", "Thao"),
           ("Nguyen", "Tran", "Le", "Pham", "Hoang", "Vu", "Dang", "Bui"), True),
    "th": (("Somchai", "Nattaya", "Anan", "Siriporn", "Kittisak", "Pimchanok"),
           ("Srisuk", "Wongsa", "Chaiyaporn", "Rattanakorn", "Suwannarat", "Thongchai"), False),
    "ms": (("Muhammad", "Nur", "Ahmad", "Siti", "Hafiz", "Aisyah", "Faiz", "Aina"),
           ("bin Ismail", "binti Hassan", "bin Abdullah", "binti Rahman", "bin Osman", "binti Yusof"), False),
    "id": (("Budi", "Siti", "Agus", "Dewi", "Rizky", "Putri", "Andi", "Ayu"),
           ("Santoso", "Wijaya", "Saputra", "Pratama", "Hidayat", "Kusuma", "Setiawan", "Lestari"), False),
    "fil": (("Jose", "Maria", "Mark", "Angelica", "John Paul", "Kristine"),
            ("Santos", "Reyes", "Cruz", "Bautista", "Garcia", "Mendoza"), False),
}  # fmt: skip
# Chinese-speaking users by name style: (script, romanisation)
_CHINESE_STYLES = {"zh": (0, 2), "zh_tw": (1, 4), "zh_hk": (1, 3), "sg": (0, 2), "ms": (0, 2)}


def chinese_name(rng: random.Random, style: str = "zh") -> PersonName:
    script, roman = _CHINESE_STYLES.get(style, (0, 2))
    surname, given = pick(rng, _SURNAMES), pick(rng, _GIVEN)
    return PersonName(f"{surname[roman]} {given[roman]}", surname[script] + given[script])


def latin_name(rng: random.Random, style: str) -> PersonName:
    given, family, family_first = _LATIN.get(style, _LATIN["en"])
    first, last = pick(rng, given), pick(rng, family)
    return PersonName(f"{last} {first}" if family_first else f"{first} {last}")


def person_name(rng: random.Random, style: str, chinese: bool) -> PersonName:
    """A name for a user of this name style; ``chinese`` for users of the Chinese interface."""
    if chinese or style in ("zh", "zh_tw", "zh_hk"):
        return chinese_name(rng, style)
    return latin_name(rng, "en" if style == "sg" else style)


_CITIES = {
    "CN": "Shenzhen", "HK": "Kowloon", "TW": "Taipei", "SG": "Singapore", "MY": "Kuala Lumpur", "JP": "Osaka",
    "KR": "Seoul", "VN": "Ho Chi Minh City", "TH": "Bangkok", "ID": "Jakarta", "PH": "Manila", "IN": "Mumbai",
    "TR": "Istanbul", "AE": "Dubai", "US": "Austin", "CA": "Toronto", "GB": "Manchester", "AU": "Melbourne",
    "DE": "Berlin", "FR": "Lyon", "ES": "Madrid", "IT": "Milan", "NL": "Rotterdam", "PL": "Warsaw",
    "RU": "Kazan", "UA": "Kyiv", "BR": "São Paulo", "AR": "Córdoba", "MX": "Guadalajara", "NG": "Lagos",
}  # fmt: skip
_STREETS = ("Harbour", "Station", "Park", "Garden", "Market", "Bridge", "Temple", "River", "Hill", "Lake")


def postal_address(rng: random.Random, country: str) -> str:
    street = f"{pick(rng, _STREETS)} {pick(rng, ('Road', 'Street', 'Avenue', 'Lane'))}"
    return f"{rng.randint(1, 399)} {street}, {_CITIES.get(country, 'Capital City')}, {country}"
