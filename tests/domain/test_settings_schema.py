from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sangkien_desktop.domain.settings_schema import (
    SERIES_SUFFIX_KEYS,
    SETTINGS,
    SPECS,
    check,
    defaults,
    legal_basis_lines,
    normalize,
)


def test_keys_are_unique_and_defaults_valid() -> None:
    assert len(SPECS) == len(SETTINGS)
    for key, value in defaults().items():
        assert normalize(key, value) == value, key
        assert not [i for i in check(key, value) if i.is_error], key
    for kind, key in SERIES_SUFFIX_KEYS.items():
        assert SPECS[key].suffix, kind
    assert "backup_dir" in SPECS and "number_mode" in SPECS


def test_normalize() -> None:
    assert normalize("issuing_parent", "  ủy ban nhân dân  xã vạn phúc ") == "ỦY BAN NHÂN DÂN XÃ VẠN PHÚC"
    assert normalize("place_name", " Vạn   Phúc\n") == "Vạn Phúc"
    assert normalize("suffix_decision", " /QĐ-HĐSK ") == "QĐ-HĐSK"
    assert normalize("legal_bases", "Căn cứ A;\n\n  Căn cứ   B.\n") == "Căn cứ A;\nCăn cứ B."
    # decomposed input (pasted from some sources) is stored precomposed
    assert normalize("place_name", "Va\u0323n Phu\u0301c") == "Vạn Phúc"


def test_check() -> None:
    assert [i.severity for i in check("suffix_decision", "QĐ HĐSK")] == ["error"]
    assert [i.severity for i in check("suffix_decision", "")] == ["warning"]
    assert check("suffix_submission", "TTr-HĐSK") == []
    assert [i.severity for i in check("place_name", "")] == ["warning"]
    assert [i.severity for i in check("council_level", "quan")] == ["error"]
    assert check("number_mode", "auto") == []


def test_legal_basis_lines_end_like_nd30() -> None:
    assert legal_basis_lines("Căn cứ A.\nCăn cứ B;\n\nCăn cứ C,") == ["Căn cứ A;", "Căn cứ B;", "Căn cứ C."]
    assert legal_basis_lines("") == []


@given(st.lists(st.text(alphabet="abcđế ;.,", min_size=0, max_size=12), max_size=6))
def test_legal_basis_lines_property(lines: list[str]) -> None:
    out = legal_basis_lines("\n".join(lines))
    assert all(line.strip(";., ") for line in out)
    assert all(line.endswith(";") for line in out[:-1])
    if out:
        assert out[-1].endswith(".")
