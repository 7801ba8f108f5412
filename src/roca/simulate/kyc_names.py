"""How one person's name comes out differently on their documents (KYC only): another romanisation
(Zhang / Cheung / Chang, Alexei / Aleksey), a given name split or joined, an English or middle name
added, an initial for a given name, a clerk's slip of a letter.

Real applicants' documents disagree like this all the time, so a name mismatch across documents is a
weak cue, not proof of a forgery; and a listed person whose passport uses a spelling the watchlist
lacks screens as a near miss.
"""

from __future__ import annotations

import random

from roca.simulate.rng import chance, pick

# Spellings of the same syllable or name across romanisation systems and transliterations.
_SPELLINGS: tuple[tuple[str, ...], ...] = (
    ("Zhang", "Cheung", "Chang"), ("Chen", "Chan"), ("Li", "Lee", "Lei"), ("Wang", "Wong"), ("Liu", "Lau"),
    ("Huang", "Hwang", "Wong"), ("Zhou", "Chou", "Chow"), ("Xu", "Hsu", "Tsui"), ("Guo", "Kuo", "Kwok"),
    ("Lin", "Lam"), ("Zheng", "Cheng"), ("Cai", "Tsai", "Choi"), ("Yang", "Yeung"), ("Zhao", "Chao", "Chiu"),
    ("Wu", "Woo", "Ng"), ("Gao", "Kao", "Ko"), ("Luo", "Lo", "Law"), ("He", "Ho"), ("Zhu", "Chu"),
    ("Wei", "Wai"), ("Fang", "Fong"), ("Jing", "Ching"), ("Qiang", "Chiang", "Keung"), ("Jun", "Chun"),
    ("Jie", "Chieh", "Kit"), ("Tao", "To"), ("Xia", "Hsia"), ("Yong", "Yung"), ("Min", "Man"),
    ("Xiaoming", "Xiao Ming", "Hsiao-ming"), ("Jianhua", "Jian Hua", "Chien-hua"),
    ("Zhiqiang", "Zhi Qiang", "Chih-chiang"), ("Zixuan", "Zi Xuan", "Tzu-hsuan"), ("Xinyi", "Xin Yi"),
    ("Haoran", "Hao Ran"), ("Zihan", "Zi Han"), ("Jiaxin", "Jia Xin"), ("Junjie", "Jun Jie"),
    ("Yating", "Ya Ting"), ("Jiahao", "Jia Hao"), ("Siyuan", "Si Yuan"),
    ("Alexei", "Aleksei", "Alexey"), ("Dmitry", "Dmitrii", "Dmitriy"), ("Sergei", "Sergey"),
    ("Natalia", "Natalya"), ("Elena", "Yelena"), ("Olga", "Olha"), ("Ivanov", "Ivanoff"),
    ("Oleksandr", "Olexandr", "Aleksandr"), ("Andriy", "Andrii"), ("Mykola", "Nikolai"), ("Iryna", "Irina"),
    ("Kateryna", "Ekaterina"), ("Ahmed", "Ahmad"), ("Muhammad", "Mohammed", "Mohamad"),
    ("Yousef", "Yusuf", "Youssef"), ("Aisha", "Aysha"), ("Omar", "Umar"), ("Mariam", "Maryam"),
    ("Khalid", "Khaled"), ("Minjun", "Min-jun"), ("Seoyeon", "Seo-yeon"), ("Jihoon", "Ji-hoon"),
    ("Lee", "Yi", "Rhee"), ("Park", "Pak"), ("Choi", "Choe"), ("Jung", "Chung"), ("Nguyen", "Nguyễn"),
    ("Tran", "Trần"), ("Müller", "Mueller"), ("Wójcik", "Wojcik"), ("Yılmaz", "Yilmaz"),
)  # fmt: skip
_VARIANTS = {spelling.casefold(): group for group in _SPELLINGS for spelling in group}
_MIDDLE = ("Marie", "Anne", "James", "Alexander", "Maria", "Jose", "Peter", "Mary", "David", "Grace")


def _retranscribed(rng: random.Random, tokens: list[str]) -> list[str] | None:
    known = [i for i, token in enumerate(tokens) if token.casefold() in _VARIANTS]
    if not known:
        return None
    at = pick(rng, known)
    written = tokens[at]
    other = pick(rng, [s for s in _VARIANTS[written.casefold()] if s.casefold() != written.casefold()])
    tokens = tokens.copy()
    tokens[at] = other.upper() if written.isupper() else other
    return tokens


def _slip(rng: random.Random, token: str) -> str:
    """One letter dropped or doubled inside a token (never the first)."""
    if len(token) < 4:
        return token + token[-1]
    at = rng.randint(1, len(token) - 2)
    return token[:at] + token[at + 1 :] if chance(rng, 0.5) else token[:at] + token[at] + token[at:]


def spelling_variant(rng: random.Random, name: str) -> str:
    """The same person's name as another document writes it (never in other characters)."""
    tokens = name.split()
    if not tokens:
        return name
    upper = name.isupper()
    kind = rng.random()
    if kind < 0.45 and (other := _retranscribed(rng, tokens)) is not None:
        tokens = other
    elif kind < 0.70:  # a middle or English name on one document only
        extra = pick(rng, _MIDDLE)
        tokens = [*tokens, extra] if chance(rng, 0.5) else [extra, *tokens]
    elif kind < 0.85 and len(tokens) > 1:  # an initial for a given name
        at = len(tokens) - 1 if chance(rng, 0.5) else 0
        tokens = [*tokens[:at], f"{tokens[at][0]}.", *tokens[at + 1 :]]
    else:
        at = rng.randrange(len(tokens))
        tokens = [*tokens[:at], _slip(rng, tokens[at]), *tokens[at + 1 :]]
    written = " ".join(tokens)
    return written.upper() if upper else written
