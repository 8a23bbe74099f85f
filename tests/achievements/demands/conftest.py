import pytest

from ...factories import AchievementFactory, division, industry
from .factories import enterprise_account

DEMAND_FORM = {
    "kind": "technology",
    "title": "注塑件表面缩痕",
    "description": "我们给家电品牌做空调面板，壁厚不均的地方表面老是凹下去一块，客户投诉外观不良。",
    "field": "",
    "division": "",
    "budget_min": "20",
    "budget_max": "80",
    "deadline": "",
    "contact_name": "赵经理",
    "contact_phone": "0769-22881234",
    "contact_email": "zhao@example.cn",
}


@pytest.fixture
def demand_form(db):
    return {**DEMAND_FORM, "field": industry("T08").pk, "division": division("441900119").pk}


@pytest.fixture
def other_enterprise_user(db):
    return enterprise_account("ent_b", name="东莞市另一家科技有限公司")


@pytest.fixture
def moulding_achievements(db, django_capture_on_commit_callbacks):
    """Three achievements about injection moulding (two bridge the problem by concept only),
    and one about batteries. Indexed through the same task as any change."""
    with django_capture_on_commit_callbacks(execute=True):
        return {
            "moldflow": AchievementFactory(
                title="基于模流分析的注塑工艺参数智能优化系统",
                summary="集成模流仿真与优化算法，自动寻优保压压力与冷却时间，外观不良降低60%。",
                field=industry("T08"),
                landing_division=division("441900119"),
                is_public=True,
            ),
            "cooling": AchievementFactory(
                title="金属3D打印随形冷却水路模具技术",
                summary="贴合型腔轮廓的冷却流道，冷却时间缩短30%，改善厚壁塑件收缩不均与局部凹陷。",
                field=industry("T08"),
            ),
            "foam": AchievementFactory(
                title="超临界流体微孔发泡注射成型工艺",
                summary="微米级泡孔补偿收缩，消除厚壁结构件的缩水凹坑。",
                field=industry("S02"),
            ),
            "battery": AchievementFactory(
                title="高性能硫化物固态电解质材料",
                summary="室温离子电导率达到12 mS/cm，不可燃，从根本上避免电解液燃烧。",
                field=industry("S05"),
            ),
        }
