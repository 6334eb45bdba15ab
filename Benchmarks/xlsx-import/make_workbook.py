#!/usr/bin/env python3
"""Writes the same rows as a CSV file and as an .xlsx workbook (what a spreadsheet program saves: numbers as number
cells, dd/mm/yyyy dates as styled day serials, HH:MM times as styled fractions, text in the shared-string table,
empty cells omitted, parts deflated). Standard library only.
Usage: make_workbook.py SOURCE.csv COPIES OUT_BASENAME  ->  OUT_BASENAME.csv, OUT_BASENAME.xlsx"""
import csv, datetime, re, sys, zipfile
from xml.sax.saxutils import escape

source, copies, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(source, newline="", encoding="utf-8-sig") as f:
    rows = list(csv.reader(f))
header, body = rows[0], [r for r in rows[1:] if any(c.strip() for c in r)]
data = [header] + body * copies
with open(out + ".csv", "w", newline="", encoding="utf-8") as f:
    csv.writer(f, lineterminator="\r\n").writerows(data)

def col(i):
    name = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        name = chr(65 + r) + name
    return name

epoch = datetime.date(1899, 12, 30)
date_re = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})$")
time_re = re.compile(r"^(\d{1,2}):(\d{2})$")
number_re = re.compile(r"^-?\d+(\.\d+)?$")
strings, index = [], {}
parts = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>']
for r, row in enumerate(data, start=1):
    cells = []
    for c, value in enumerate(row):
        v = value.strip()
        if not v:
            continue
        ref = col(c) + str(r)
        m = date_re.match(v) if r > 1 else None
        t = time_re.match(v) if r > 1 else None
        if m:
            d, mo, y = int(m[1]), int(m[2]), int(m[3])
            y = y if y > 99 else (2000 + y if y < 50 else 1900 + y)
            cells.append(f'<c r="{ref}" s="1"><v>{(datetime.date(y, mo, d) - epoch).days}</v></c>')
        elif t:
            cells.append(f'<c r="{ref}" s="2"><v>{(int(t[1]) * 60 + int(t[2])) / 1440!r}</v></c>')
        elif number_re.match(v) and r > 1:
            cells.append(f'<c r="{ref}"><v>{v}</v></c>')
        else:
            if value not in index:
                index[value] = len(strings)
                strings.append(value)
            cells.append(f'<c r="{ref}" t="s"><v>{index[value]}</v></c>')
    parts.append(f'<row r="{r}">' + "".join(cells) + "</row>")
parts.append("</sheetData></worksheet>")
sst = ('<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
       + "".join(f"<si><t>{escape(s)}</t></si>" for s in strings) + "</sst>")
styles = ('<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs count="3">'
          '<xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="20"/></cellXfs></styleSheet>')
workbook = ('<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>')
rels = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>')
with zipfile.ZipFile(out + ".xlsx", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml", "<Types/>")
    z.writestr("xl/workbook.xml", workbook)
    z.writestr("xl/_rels/workbook.xml.rels", rels)
    z.writestr("xl/styles.xml", styles)
    z.writestr("xl/sharedStrings.xml", sst)
    z.writestr("xl/worksheets/sheet1.xml", "".join(parts))
print(len(data) - 1)
