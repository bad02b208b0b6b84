"""Loading a round for its documents: totals, provisional means, ranking, grade counts; settings helpers."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from sangkien_desktop.db.database import Database
from sangkien_desktop.models import GradeResult, Score
from sangkien_desktop.services.documents.common import body_in_sentence, money_text, slug
from sangkien_desktop.services.documents.round_data import RoundData, load_round, provisional_mean

from .conftest import round_id


def test_provisional_mean_rounds_half_up() -> None:
    assert provisional_mean([Decimal("80"), Decimal("81"), Decimal("80")]) == Decimal("80.33")
    assert provisional_mean([Decimal("80.5"), Decimal("80.52")]) == Decimal("80.51")
    # 80.125 → 80.13 (half up), not 80.12 (half to even)
    assert provisional_mean([Decimal("80.125")]) == Decimal("80.13")
    assert provisional_mean([]) is None


@given(st.lists(st.decimals(min_value=0, max_value=100, places=2), min_size=1, max_size=15))
def test_provisional_mean_within_range(values: list[Decimal]) -> None:
    mean = provisional_mean(values)
    assert mean is not None
    assert min(values) - Decimal("0.005") <= mean <= max(values) + Decimal("0.005")
    assert mean == mean.quantize(Decimal("0.01"))


def test_member_totals_match_scores(demo_db: Database) -> None:
    rid = round_id(demo_db, 1)
    with demo_db.reading() as session:
        data = load_round(session, rid)
        scores = session.execute(select(Score.dossier_id, Score.member_id, Score.points)).all()
    d = data.considered()[0]
    for m in data.members:
        rows = [p for dossier_id, member_id, p in scores if dossier_id == d.id and member_id == m.id]
        total = data.member_total(d.id, m.id)
        if len(rows) == len(data.criteria):
            assert total == sum(rows)
        else:
            assert total is None
    assert not data.graded  # nothing graded in the plain demo: means are provisional
    assert data.mean(d.id) == provisional_mean(data.member_totals(d.id).values())


def test_graded_round_orders_and_counts(graded_db: Database, round1: RoundData) -> None:
    with graded_db.reading() as session:
        results = {
            dossier_id: (grade, reward)
            for dossier_id, grade, reward in session.execute(
                select(GradeResult.dossier_id, GradeResult.grade, GradeResult.reward)
            )
        }
    ranked = round1.ranked()
    ranks = [round1.grades[d.id].rank for d in ranked if round1.grades[d.id].rank is not None]
    assert ranks == sorted(ranks)
    recognized = round1.recognized()
    assert recognized and all(results[d.id][0] not in {"KCN", "THIEU"} for d in recognized)
    # grouped by grade in band order A, B, C, then CN
    codes = [round1.grades[d.id].grade for d in recognized]
    order = ["A", "B", "C", "CN"]
    assert codes == sorted(codes, key=order.index)
    counts = {gc.code: gc.count for gc in round1.grade_counts()}
    assert counts == {c: codes.count(c) for c in set(codes)}
    assert counts["A"] <= 5 and counts["B"] <= 10  # Tam Điệp quotas
    assert round1.total_reward() == sum(results[d.id][1] for d in recognized)
    assert round1.decision_no == "15/QĐ-UBND"  # stored as "15", printed spelled with the body's ký hiệu


def test_body_in_sentence() -> None:
    assert body_in_sentence("UBND PHƯỜNG TAM ĐIỆP") == "UBND phường Tam Điệp"
    assert body_in_sentence("ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI") == "Ủy ban nhân dân thành phố Hà Nội"
    assert body_in_sentence("ỦY BAN NHÂN DÂN XÃ VĂN MÔN") == "Ủy ban nhân dân xã Văn Môn"
    assert body_in_sentence("") == ""


def test_money_text_follows_settings() -> None:
    assert money_text({}, 2_000_000) == "2.000.000 đồng (Hai triệu đồng)"
    assert money_text({}, 1_010_000) == "1.010.000 đồng (Một triệu không trăm mười nghìn đồng)"
    settings = {"money_zero_ten": "lẻ", "money_four": "bốn"}
    assert money_text(settings, 104_000) == "104.000 đồng (Một trăm lẻ bốn nghìn đồng)"
    assert money_text(settings, 1_024_000) == "1.024.000 đồng (Một triệu không trăm hai mươi bốn nghìn đồng)"
    assert money_text({"money_four": "tư"}, 24_000) == "24.000 đồng (Hai mươi tư nghìn đồng)"


def test_slug() -> None:
    assert slug("Đợt 1 năm 2026") == "dot-1-nam-2026"
    assert slug("Quyết định công nhận") == "quyet-dinh-cong-nhan"
    assert slug("") == "van-ban"
