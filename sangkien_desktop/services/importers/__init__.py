"""Importers of outside files, one shape for all: ``read(path)`` → ``analyse(session, …)`` → a preview →
``apply(session, preview)``.

- ``readers``: one reader per format (.xlsx, .xls, .ods, .csv, .docx, .odt; .doc/.rtf/web pages through
  LibreOffice), each giving ``grid.Source`` — grids of cells with merged ranges, hidden rows and columns and
  fonts, bounded as they read (``safe_files.Limits``).
- ``normalise``: legacy encodings (TCVN3, VNI) decided per cell and converted; invisible characters removed.
- ``tables``: the grids holding a table of the kind wanted (``column_matching.HeaderSpec``: the phrase table
  is the importer's), continued tables joined, the year's sheet chosen.
- the importers: ``registrations`` (units' TỔNG HỢP ĐĂNG KÝ tables), ``units`` (the units catalog),
  ``scores`` (members' score workbooks). Earlier years' decision lists build on the same readers.
"""
