"""The 天使母基金 / 子基金 register (seed 000 二(二)3): staff keep it, leaders read it, rounds name
their fund."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from brokers import models as bm

from ..factories import division, industry

pytestmark = pytest.mark.django_db

WAN = Decimal(10_000)


def test_staff_register_a_parent_and_a_child_fund_and_leaders_read_them(
    client, center_staff, leader
):
    client.force_login(center_staff)
    url = reverse("brokers:fund_create")
    client.post(
        url,
        {
            "name": "东莞市天使投资母基金",
            "level": "parent",
            "size": "10亿",
            "fields": [industry("S03").pk, industry("S04").pk],
            "manager": "东莞科技创新投资集团",
        },
    )
    parent = bm.Fund.objects.get()
    assert (parent.size, parent.parent) == (Decimal(10**9), None)
    # A child fund needs its parent and its partner.
    page = client.post(url, {"name": "松山湖科学城天使子基金", "level": "child", "size": "2亿"})
    text = page.content.decode()
    assert "子基金须选择所属母基金。" in text
    page = client.post(
        url,
        {"name": "松山湖科学城天使子基金", "level": "child", "size": "2亿", "parent": parent.pk},
    )
    assert "子基金须填写合作镇街（园区）或合作平台。" in page.content.decode()
    client.post(
        url,
        {
            "name": "松山湖科学城天使子基金",
            "level": "child",
            "size": "20000",
            "parent": parent.pk,
            "partner_division": division("441900401").pk,
        },
    )
    child = bm.Fund.objects.get(level="child")
    assert (child.parent, child.size) == (parent, Decimal(20000) * WAN)

    client.force_login(leader)
    text = client.get(reverse("brokers:fund_list")).content.decode()
    assert "10亿元" in text and "2亿元" in text and "松山湖科学城天使子基金" in text
    assert reverse("brokers:fund_create") not in text
    assert client.get(reverse("brokers:fund_create")).status_code == 403
    rows = client.get("/api/v1/funds/", {"level": "parent"}).json()["results"]
    assert [(r["name"], r["children"], r["size"]) for r in rows] == [
        ("东莞市天使投资母基金", [child.pk], "1000000000.00")
    ]


def test_the_database_keeps_the_parent_rule(center_staff):
    with pytest.raises(IntegrityError), transaction.atomic():
        bm.Fund.objects.create(name="孤儿子基金", level="child", size=WAN, created_by=center_staff)
    parent = bm.Fund.objects.create(
        name="母基金", level="parent", size=WAN, created_by=center_staff
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        bm.Fund.objects.create(
            name="挂在母基金下的母基金",
            level="parent",
            parent=parent,
            size=WAN,
            created_by=center_staff,
        )
