"""Documents for signature and for upward reporting, one module per document.

- :mod:`.round_data` loads everything a round's documents need in one reading session (plain data).
- :mod:`.common` council settings turned into signers, money phrases, names; :mod:`.docx_writer` the NĐ 30
  layout for editable Word files (the PDF and Excel layouts live in ``services.pdf`` / ``services.xlsx``).
- Documents: :mod:`.score_sheets`, :mod:`.summary`, :mod:`.minutes`, :mod:`.decision` (tờ trình,
  quyết định, danh sách kèm theo), :mod:`.certificates` (+ :mod:`.certificate_layout`,
  :mod:`.certificate_register`), :mod:`.dost_export`, :mod:`.year_report`; :mod:`.score_import` reads a
  member's score workbook back.
- :mod:`.catalog` lists every document (key, Vietnamese name, formats, producer) for the CLI and the page.
"""
