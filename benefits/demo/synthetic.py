"""Deterministic synthetic people and households, shared by seed_demo, the benchmarks
(`bench/`, which imports them from here) and the tests."""

import datetime
import random
from collections.abc import Iterator
from dataclasses import dataclass

from households.ids import check_code

COUNTY_CODE = "231124"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英玉兰凤华红梅建国建华志强春花海燕德福宝山长青淑珍桂芝玉珍振国立新晓东雪梅金凤"


@dataclass(frozen=True)
class Person:
    name: str
    id_number: str
    relationship: str


def make_id_number(rng: random.Random, birth: datetime.date, *, male: bool) -> str:
    sequence = rng.randrange(0, 100) * 10 + rng.randrange(0, 5) * 2 + (1 if male else 0)
    first17 = f"{COUNTY_CODE}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_code(first17)


def _birth(rng: random.Random, age_low: int, age_high: int, today: datetime.date) -> datetime.date:
    age = rng.randint(age_low, age_high)
    return today.replace(year=today.year - age, month=1, day=1) + datetime.timedelta(days=rng.randrange(0, 365))


def _name(rng: random.Random, surname: str | None = None) -> str:
    surname = surname or rng.choice(SURNAMES)
    return surname + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def household_people(rng: random.Random, today: datetime.date, used_ids: set[str]) -> list[Person]:
    """A plausible household: a head, often a spouse, children, sometimes a parent."""

    def unique_id(birth: datetime.date, male: bool) -> str:
        while True:
            number = make_id_number(rng, birth, male=male)
            if number not in used_ids:
                used_ids.add(number)
                return number

    head_male = rng.random() < 0.75
    head_birth = _birth(rng, 25, 85, today)
    surname = rng.choice(SURNAMES)
    people = [Person(_name(rng, surname), unique_id(head_birth, head_male), "head")]
    if rng.random() < 0.7:
        people.append(Person(_name(rng), unique_id(_birth(rng, 25, 80, today), not head_male), "spouse"))
    for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
        male = rng.random() < 0.5
        people.append(
            Person(_name(rng, surname), unique_id(_birth(rng, 1, 30, today), male), "son" if male else "daughter")
        )
    if rng.random() < 0.15:
        male = rng.random() < 0.5
        people.append(
            Person(_name(rng, surname), unique_id(_birth(rng, 70, 95, today), male), "father" if male else "mother")
        )
    return people


def iter_households(seed: int, count: int, today: datetime.date) -> Iterator[list[Person]]:
    rng = random.Random(seed)
    used: set[str] = set()
    for _ in range(count):
        yield household_people(rng, today, used)
