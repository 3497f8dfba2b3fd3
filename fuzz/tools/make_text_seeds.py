#!/usr/bin/env python3
"""Writes the seed corpora of the text readers (fuzz/corpus/{csv,toml,json}) from the test fixtures and the inline
test strings (Tests/NeymanCoreTests/CSVReaderTests.swift, Tests/Fixtures, toys/*.toml). Run once from fuzz/; the
outputs are committed. Large fixtures are cut to their first lines so that every seed stays small."""
import glob, os, shutil

def save(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))

# CSV: the reader tests' inline strings (LF, CRLF, lone CR, mixed, BOM, quoted names and cells, errors) ...
csv = {
    "quoted_crlf": 'a, "b c" ,"d,""e"""\r\n1, 2.5 ,-3\r\n\t4e2,.5,-0.125',
    "bom_blank_lines": "\ufeffx,y\n1,2\n\n   \n3,4\n",
    "cr_quoted": 'x,y\r1,"2.5"\r3, " 4 " \r',
    "cr_many": "a,b\r" + "\r".join(f"{i},{2 * i}" for i in range(40)) + "\r\r\r",
    "mixed_line_ends": "x\n1\r\n2\r3\n4\r\r5",
    "nul_and_hex": "v\n1\n3\x00999\n0x1p-2\n1_000\n1e\n--1\n\"3\x009\"\n",
    "decimals": "v\n" + "\n".join(["0.1", "-2.5", "1e-5", "1E+3", "+7", "3.", "6.02214076e23", "1e23",
                                   "2.2250738585072014e-308", "4.9e-324", "1.7976931348623157e308",
                                   "3.14159265358979323846264338327950288", "9007199254740993",
                                   "123456789012345678901234567890", "0.000000000000000000000000001", "1e-400",
                                   "-0", "-0.0"]),
    "label_select": 'label,x,y\nsignal,1,2\n"bkg, hard",3,4\n',
    "non_finite": "a,b\n1,2\n3,nan\n-inf,Infinity\n1e999,2\n",
    "header_only": "a,b\r\n\r\n",
    "blank_only": "  \r\n",
    "duplicate_names": '"a", a \n1,2\n',
    "empty_name": "a,,b\n1,2,3\n",
    "short_long_rows": "a,b\r\n1,2\r\n\r\n3,4\r\n5,6,7,8\r\n4,5\n",
    "trailing_comma": "a,b\n1,2,\n",
    "bad_cells": "x,y\n1,2\n3,4\n5, abc \n1.5.2,2\n ,3\n1,\n",
    "multiline_quoted_name": '"multi\nline\rname",b\n1,2\n',
    "unterminated_quote": 'a,b\n1,"2\n',
}
for name, text in csv.items():
    save(f"corpus/csv/{name}.csv", text)
# ... and the fixtures' CSV files, each cut to its header and first 12 rows.
for path in sorted(glob.glob("../Tests/Fixtures/**/*.csv", recursive=True)):
    with open(path, "rb") as f:
        lines = f.read().split(b"\n")
    save("corpus/csv/fixture_" + os.path.basename(path), b"\n".join(lines[:13]) + b"\n")

# TOML: the flagship study configs, and a few shapes the accessors reject.
for path in sorted(glob.glob("../toys/*.toml")):
    shutil.copy(path, "corpus/toml/" + os.path.basename(path))
save("corpus/toml/types.toml", 'name = "x"\nseed = 7\nscale = 1.5e3\nflag = true\nlayers = [64, 64]\n'
     'columns = ["a", "b"]\nbins = [0.0, 1, 2.5]\n[training]\nepochs = 2\nbatch_size = "wrong type"\n'
     '[training.model]\nkind = { a = 1, b = [1, [2, 3]] }\nx = 1979-05-27T07:32:00Z\n[[data]]\na = 1\n[[data]]\na = 2\n')
save("corpus/toml/syntax_error.toml", 'name = "unterminated\n[table\nx = = 1\n')

# JSON: the pyhf workspaces of the fixtures (the expected-result files are not workspaces).
for path in sorted(glob.glob("../Tests/Fixtures/**/*.workspace.json", recursive=True)):
    shutil.copy(path, "corpus/json/" + os.path.basename(path))
