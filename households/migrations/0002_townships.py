"""Sunwu County's townships and villages (from shared/samples/townships.txt, embedded here)."""

from django.db import migrations

TOWNSHIPS = [
    ("231124100", "孙吴镇", [
        "建华社区",
        "光明社区",
        "新华社区",
        "商茂社区",
        "永兴社区",
        "铁北社区",
        "河北村",
        "新兴村",
        "兴华村",
        "北孙吴村",
        "三屯村",
        "永跃村",
        "兴川村",
        "永胜村",
        "镇南村",
    ]),
    ("231124101", "辰清镇", [
        "春青村",
        "辰清村",
        "曙光村",
        "核心村",
        "宝泉村",
    ]),
    ("231124201", "西兴乡", [
        "西兴村",
        "平度村",
        "西南村",
        "西地营子村",
        "西岗村",
        "兴建村",
        "永丰村",
        "新丰村",
        "兴南村",
        "勇进村",
    ]),
    ("231124202", "沿江满族达斡尔族乡", [
        "四季屯村",
        "大桦树林子村",
        "小桦树林子村",
        "西霍尔莫津村",
        "东光村",
        "东霍尔莫津村",
        "胜利屯村",
        "哈达彦村",
    ]),
    ("231124203", "腰屯乡", [
        "曾家堡村",
        "腰屯村",
        "吴家堡村",
        "红跃村",
        "红望村",
        "东兴村",
        "协振村",
        "北山村",
        "东卧牛河村",
        "河南村",
        "山河村",
    ]),
    ("231124204", "卧牛河乡", [
        "卧牛河村",
        "新岭村",
        "前进村",
        "新立村",
        "新发村",
        "三岔河村",
        "赵地营子村",
    ]),
    ("231124205", "群山乡", [
        "邻山村",
        "民和村",
        "富民村",
        "前程村",
        "群山村",
        "富山村",
        "朝阳村",
        "十里岗村",
    ]),
    ("231124206", "奋斗乡", [
        "靠山村",
        "估河村",
        "七里屯村",
        "新业村",
        "大架子村",
        "奋斗村",
        "锈河村",
        "十八里村",
        "小架子村",
        "阿象山村",
    ]),
    ("231124207", "红旗乡", [
        "红旗村",
        "青山村",
        "华山村",
        "钟山村",
        "建设村",
        "前峰村",
    ]),
    ("231124208", "正阳山乡", [
        "正阳村",
        "椅山村",
        "清泉村",
        "阳山村",
        "高山村",
        "莲山村",
        "艳阳村",
        "双山村",
        "岩峰村",
        "英河村",
        "向阳村",
        "林河村",
        "东岗村",
    ]),
    ("231124210", "清溪乡", [
        "腰岭村",
        "平顶村",
        "清溪村",
        "金沟村",
        "富库山村",
        "永青村",
        "环山村",
    ]),
]


def load(apps, schema_editor):
    Township = apps.get_model("households", "Township")
    Village = apps.get_model("households", "Village")
    for code, name, villages in TOWNSHIPS:
        township, _ = Township.objects.get_or_create(code=code, defaults={"name": name})
        for village in villages:
            Village.objects.get_or_create(township=township, name=village)


class Migration(migrations.Migration):
    dependencies = [("households", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
