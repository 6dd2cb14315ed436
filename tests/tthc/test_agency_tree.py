"""The materialised-path agency tree (tthc.models.agencies + tthc.services.agencies)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.factories import AgencyFactory, commune, ministry, province
from tthc.models import Agency, AgencyKind
from tthc.services.agencies import rebuild_tree, save_agency

pytestmark = pytest.mark.django_db


def central(code="CP"):
    return AgencyFactory(code=code, name="Chính phủ", kind=AgencyKind.CENTRAL)


def unit(parent, code, kind=AgencyKind.UNIT):
    return AgencyFactory(code=code, kind=kind, parent=parent)


@pytest.fixture
def tree():
    """CP ─┬─ BTP ── BTP-VP (unit) ── BTP-VP-1 (unit)
    ├─ 01 (province) ─┬─ 00004 (commune) ── 00004-MC (one-stop)
    │                 └─ 00007 (commune)
    └─ 79 (province) ── 26734 (commune)
    """
    cp = central()
    btp = ministry(parent=cp)
    vp = unit(btp, "BTP-VP")
    vp1 = unit(vp, "BTP-VP-1")
    hn = province(code="01", parent=cp)
    c4 = commune(hn, code="00004")
    mc = unit(c4, "00004-MC", kind=AgencyKind.ONE_STOP)
    c7 = commune(hn, code="00007")
    hcm = province(code="79", name="TP Hồ Chí Minh", parent=cp)
    c26734 = commune(hcm, code="26734")
    return {a.code: a for a in (cp, btp, vp, vp1, hn, c4, mc, c7, hcm, c26734)}


def _fresh(code):
    return Agency.objects.get(code=code)


EXPECTED_TREE = {
    # code: (path, depth, ranked agency code)
    "CP": ("/CP/", 0, None),
    "BTP": ("/CP/BTP/", 1, "BTP"),
    "BTP-VP": ("/CP/BTP/BTP-VP/", 2, "BTP"),
    "BTP-VP-1": ("/CP/BTP/BTP-VP/BTP-VP-1/", 3, "BTP"),
    "01": ("/CP/01/", 1, "01"),
    "00004": ("/CP/01/00004/", 2, "01"),
    "00004-MC": ("/CP/01/00004/00004-MC/", 3, "01"),
    "00007": ("/CP/01/00007/", 2, "01"),
    "79": ("/CP/79/", 1, "79"),
    "26734": ("/CP/79/26734/", 2, "79"),
}


def _snapshot():
    return {
        a.code: (a.path, a.depth, a.ranked_agency.code if a.ranked_agency else None)
        for a in Agency.objects.select_related("ranked_agency")
    }


def test_paths_depths_and_ranked_agencies(tree):
    assert _snapshot() == EXPECTED_TREE
    # the in-memory objects returned by save_agency carry the same values
    for code, agency in tree.items():
        path, depth, ranked = EXPECTED_TREE[code]
        assert (agency.path, agency.depth) == (path, depth)
        assert agency.ranked_agency_id == (tree[ranked].pk if ranked else None)


def test_rebuild_tree_agrees_with_save_agency(tree):
    assert rebuild_tree() == 0
    Agency.objects.filter(code="00004-MC").update(path="/broken/", depth=9, ranked_agency=None)
    Agency.objects.filter(code="BTP-VP").update(ranked_agency=tree["79"])
    assert rebuild_tree() == 2
    assert _snapshot() == EXPECTED_TREE


def test_root_province_and_ministry_rank_themselves():
    hn = province(code="01")
    btp = ministry()
    c = commune(hn, code="00004")
    assert (hn.path, hn.depth, hn.ranked_agency_id) == ("/01/", 0, hn.pk)
    assert (btp.path, btp.depth, btp.ranked_agency_id) == ("/BTP/", 0, btp.pk)
    assert (c.path, c.depth, c.ranked_agency_id) == ("/01/00004/", 1, hn.pk)


def test_unit_of_a_ministry_level_body_ranks_with_it():
    body = AgencyFactory(code="VPCP", kind=AgencyKind.MINISTRY_LEVEL)
    vu = unit(body, "VPCP-V1")
    assert _fresh("VPCP-V1").ranked_agency == body
    assert vu.path == "/VPCP/VPCP-V1/"


def test_subtree(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        codes = [a.code for a in Agency.objects.subtree(tree["01"])]
    assert codes == ["01", "00004", "00004-MC", "00007"]  # ordered by path
    with django_assert_num_queries(1):
        assert {a.code for a in Agency.objects.subtree(tree["01"], include_self=False)} == {
            "00004",
            "00004-MC",
            "00007",
        }
    with django_assert_num_queries(1):
        assert {a.code for a in tree["BTP"].subtree()} == {"BTP", "BTP-VP", "BTP-VP-1"}
    with django_assert_num_queries(1):
        assert Agency.objects.subtree("/CP/").count() == 10
    assert {a.code for a in Agency.objects.subtree(tree["26734"])} == {"26734"}


def test_subtree_does_not_match_a_code_prefix():
    hn = province(code="01")
    commune(hn, code="00004")
    sibling = province(code="010")
    commune(sibling, code="00010")
    assert {a.code for a in Agency.objects.subtree(hn)} == {"01", "00004"}
    assert {a.code for a in Agency.objects.subtrees([hn.path, "/010/"])} == {"01", "00004", "010", "00010"}
    assert not Agency.objects.subtrees([]).exists()


def test_ancestors_and_helpers(tree, django_assert_num_queries):
    mc = _fresh("00004-MC")
    assert mc.ancestor_codes == ["CP", "01", "00004", "00004-MC"]
    with django_assert_num_queries(1):
        assert [a.code for a in mc.ancestors()] == ["CP", "01", "00004"]
    assert tree["01"].is_ancestor_of(mc)
    assert not tree["79"].is_ancestor_of(mc)
    assert {a.code for a in Agency.objects.ranked()} == {"BTP", "01", "79"}
    assert {a.code for a in Agency.objects.provinces()} == {"01", "79"}
    assert {a.code for a in Agency.objects.ministries()} == {"BTP"}


def test_moving_a_subtree_updates_descendants(tree):
    c4 = _fresh("00004")
    c4.parent = tree["79"]
    save_agency(c4)
    snapshot = _snapshot()
    assert snapshot["00004"] == ("/CP/79/00004/", 2, "79")
    assert snapshot["00004-MC"] == ("/CP/79/00004/00004-MC/", 3, "79")
    # nothing else changed
    unchanged = {k: v for k, v in EXPECTED_TREE.items() if k not in {"00004", "00004-MC"}}
    assert {k: v for k, v in snapshot.items() if k in unchanged} == unchanged
    assert {a.code for a in Agency.objects.subtree(tree["01"])} == {"01", "00007"}
    assert {a.code for a in Agency.objects.subtree(tree["79"])} == {"79", "26734", "00004", "00004-MC"}


def test_moving_a_subtree_to_the_root_changes_depths(tree):
    vp = _fresh("BTP-VP")
    vp.parent = None
    save_agency(vp)
    snapshot = _snapshot()
    assert snapshot["BTP-VP"] == ("/BTP-VP/", 0, None)
    assert snapshot["BTP-VP-1"] == ("/BTP-VP/BTP-VP-1/", 1, None)


def test_moving_a_province_keeps_it_ranked_and_moves_its_communes():
    cp = central()
    new_root = central("CP2")
    hn = province(code="01", parent=cp)
    commune(hn, code="00004")
    hn.parent = new_root
    save_agency(hn)
    snapshot = _snapshot()
    assert snapshot["01"] == ("/CP2/01/", 1, "01")
    assert snapshot["00004"] == ("/CP2/01/00004/", 2, "01")


def test_renaming_a_code_rewrites_descendant_paths(tree):
    hn = _fresh("01")
    hn.code = "01A"
    save_agency(hn)
    assert _fresh("00004-MC").path == "/CP/01A/00004/00004-MC/"
    assert _fresh("00007").path == "/CP/01A/00007/"


@pytest.mark.parametrize(
    ("agency", "new_parent"), [("01", "01"), ("01", "00004"), ("01", "00004-MC"), ("CP", "26734")]
)
def test_a_cycle_is_rejected(tree, agency, new_parent):
    moving = _fresh(agency)
    moving.parent = _fresh(new_parent)
    with pytest.raises(ValidationError) as excinfo:
        save_agency(moving)
    assert "parent" in excinfo.value.message_dict
    with pytest.raises(ValidationError):
        moving.clean()
    assert _snapshot() == EXPECTED_TREE  # nothing was written


def test_rebuild_tree_detects_a_cycle_written_behind_its_back(tree):
    Agency.objects.filter(code="01").update(parent=tree["00004"])  # 01 → 00004 → 01
    with pytest.raises(ValidationError, match="cycle") as excinfo:
        rebuild_tree()
    assert "00004" in str(excinfo.value)
    assert "01" in str(excinfo.value)


@pytest.mark.parametrize("code", ["01/02", "/", "A/"])
def test_a_code_with_a_slash_is_rejected(code):
    with pytest.raises(ValidationError) as excinfo:
        AgencyFactory(code=code)
    assert "code" in excinfo.value.message_dict
    with pytest.raises(ValidationError):
        Agency(code=code, name="x", kind=AgencyKind.PROVINCE).clean()
    with pytest.raises(IntegrityError), transaction.atomic():  # the database guards it too
        Agency.objects.create(code=code, name="x", kind=AgencyKind.PROVINCE, path="/x/")
    assert not Agency.objects.exists()


def test_a_kind_change_rederives_the_ranked_agency_of_the_agency_itself(tree):
    vp = _fresh("BTP-VP")
    vp.kind = AgencyKind.MINISTRY_LEVEL
    save_agency(vp)
    assert _fresh("BTP-VP").ranked_agency_id == vp.pk
    vp.kind = AgencyKind.UNIT
    save_agency(vp)
    assert _fresh("BTP-VP").ranked_agency == tree["BTP"]


def test_a_kind_change_rederives_descendants_ranked_agency(tree):
    vp = _fresh("BTP-VP")
    vp.kind = AgencyKind.MINISTRY_LEVEL
    save_agency(vp)
    assert _fresh("BTP-VP-1").ranked_agency_id == vp.pk
