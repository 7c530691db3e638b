#!/usr/bin/env python3
"""Cross-checks arch/x86/decode.c against GNU objdump.

    tools/xcheck-x86-decode.py [--random N]

A development aid, not part of `make check` (it needs python3 and takes a
minute). It builds the decoder as a host shared library and, in all three
modes, decodes:
  - every valid vector of tests/unit/test_x86_decode.c,
  - a sweep: prefix sets x supported opcodes x all 256 ModRM bytes, and
    all 256 SIB bytes for mod 0-2 with rm 4,
  - N random byte strings built from prefixes, opcodes and random bytes.
Every instruction it accepts must have objdump's length, and objdump must
call it a MOV, MOVZX/MOVSX/MOVSXD, STOS, MOVS or XCHG. Exits 1 on any
difference.
"""
import ctypes
import os
import random
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
M16, M32, M64 = 0, 1, 2
OBJDUMP_ARCH = {M16: "i8086", M32: "i386", M64: "i386:x86-64"}
MODE_NAME = {M16: "16", M32: "32", M64: "64"}

# Prefix bytes objdump may print on a line of their own when they do not
# apply (an ignored REX, say): such a line belongs to the next instruction.
PREFIX_WORD = r"(?:rex(?:\.[WRXB]+)?|data16|data32|addr16|addr32|[cdefgs]s|lock|repn?z|rep|" \
              r"xacquire|xrelease)"
BARE_PREFIX = re.compile(r"^%s(?:\s+%s)*$" % (PREFIX_WORD, PREFIX_WORD))
ACCEPTED_MNEMONIC = re.compile(r"^(?:%s\s+)*(mov|movb|movw|movl|movq|movabs|movz\w+|movs\w*|"
                               r"stos\w*|xchg\w*)\b" % PREFIX_WORD)


class Insn(ctypes.Structure):
    _fields_ = [("len", ctypes.c_uint8), ("op", ctypes.c_uint8), ("size", ctypes.c_uint8),
                ("reg", ctypes.c_uint8), ("high_byte", ctypes.c_bool),
                ("reg_size", ctypes.c_uint8), ("ext", ctypes.c_uint8),
                ("addr_size", ctypes.c_uint8), ("rep", ctypes.c_bool),
                ("src_seg", ctypes.c_uint8), ("imm", ctypes.c_uint64)]


def build_library(tmp):
    lib = os.path.join(tmp, "decode.so")
    subprocess.run(["gcc", "-std=gnu11", "-O1", "-shared", "-fPIC", "-I" + ROOT + "/include",
                    "-I" + ROOT + "/arch/x86/include", "-o", lib,
                    ROOT + "/arch/x86/decode.c"], check=True)
    dec = ctypes.CDLL(lib)
    dec.x86_decode_mmio.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int,
                                    ctypes.POINTER(Insn)]
    dec.x86_decode_mmio.restype = ctypes.c_int
    return dec


def decode(dec, code, mode):
    insn = Insn()
    err = dec.x86_decode_mmio(bytes(code), len(code), mode, ctypes.byref(insn))
    return err, insn


def objdump_lines(tmp, blob, mode):
    """(offset, length, text) of every line objdump prints for @blob."""
    path = os.path.join(tmp, "blob.bin")
    with open(path, "wb") as f:
        f.write(blob)
    out = subprocess.run(["objdump", "-D", "-w", "-b", "binary", "-m", OBJDUMP_ARCH[mode], path],
                         check=True, capture_output=True, text=True).stdout
    lines = []
    for line in out.splitlines():
        m = re.match(r"^\s*([0-9a-f]+):\t((?:[0-9a-f]{2} )+)\s*\t?(.*)$", line)
        if m:
            lines.append((int(m.group(1), 16), len(m.group(2).split()), m.group(3).strip()))
    return lines


LEGACY_PREFIXES = {0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x2e, 0x36, 0x3e, 0x26, 0x64, 0x65}


def drop_ignored_rex(code, mode):
    """@code without the REX bytes that another prefix follows.

    The SDM (2.2.1) ignores such a REX and KVM's and Xen's emulators drop
    just that byte, keeping the legacy prefixes around it; objdump instead
    splits the instruction there and discards every prefix before the REX.
    Comparing against objdump on the bytes without the ignored REX checks
    the length we compute under the SDM's rule.
    """
    if mode != M64:
        return list(code)
    out = []
    for i, b in enumerate(code):
        is_rex = b & 0xf0 == 0x40
        if is_rex and i + 1 < len(code) and (code[i + 1] in LEGACY_PREFIXES or
                                             code[i + 1] & 0xf0 == 0x40):
            continue
        if not is_rex and b not in LEGACY_PREFIXES:
            out += code[i:]
            break
        out.append(b)
    return out


def check_batch(tmp, items, mode):
    """@items: (code, our length, label). Returns the number of mismatches."""
    blob = bytearray()
    starts = []
    normalized = []
    for code, length, label in items:
        code = drop_ignored_rex(code[:length], mode)
        normalized.append((code, len(code), label))
        starts.append(len(blob))
        blob += bytes(code)
    items = normalized
    by_offset = {}
    for off, n, text in objdump_lines(tmp, bytes(blob), mode):
        by_offset[off] = (n, text)
    bad = 0
    for (code, length, label), start in zip(items, starts):
        off, texts = start, []
        while off in by_offset:
            n, text = by_offset[off]
            texts.append(text)
            off += n
            if not BARE_PREFIX.match(text):
                break
        full = " ".join(texts)
        if off - start != length or not ACCEPTED_MNEMONIC.match(full):
            bad += 1
            if bad <= 20:
                print("MISMATCH %s-bit %s: ours %d, objdump %d \"%s\" [%s]" %
                      (MODE_NAME[mode], bytes(code[:max(length, off - start)]).hex(" "),
                       length, off - start, full, label))
            # Resynchronising would need objdump's view; one batch, one report.
            if off - start != length:
                break
    return bad


def test_vectors():
    src = open(os.path.join(ROOT, "tests/unit/test_x86_decode.c")).read()
    body = src[src.index("ok_vectors[] = {"):src.index("err_vectors[] = {")]
    src_moffs = "0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11"
    out = []
    for m in re.finditer(r'\{ "([^"]*)", (M16|M32|M64),\s*CODE\(([^)]*)\),\s*'
                         r'\.want = \{ \.len = (\d+)', body, re.S):
        text, mode, code, length = m.groups()
        code = code.replace("MOFFS64", src_moffs)
        code = [int(b, 16) for b in code.replace("\n", " ").split(",")]
        out.append(({"M16": M16, "M32": M32, "M64": M64}[mode], code, int(length), text))
    return out


def sweep(mode):
    """Prefixes x opcodes x ModRM (x SIB): a few hundred thousand encodings."""
    opcodes = [[o] for o in (0x88, 0x89, 0x8a, 0x8b, 0xc6, 0xc7, 0xa0, 0xa1, 0xa2, 0xa3,
                             0x63, 0xaa, 0xab, 0xa4, 0xa5, 0x86, 0x87)]
    opcodes += [[0x0f, o] for o in (0xb6, 0xb7, 0xbe, 0xbf)]
    prefix_sets = [[], [0x66], [0x67], [0x66, 0x67], [0xf3], [0xf0], [0x64], [0x2e, 0x3e],
                   [0x67, 0xf3, 0x66]]
    if mode == M64:
        prefix_sets += [[0x48], [0x41], [0x44], [0x4c], [0x40], [0x66, 0x48], [0x48, 0x66],
                        [0x67, 0x4f], [0xf3, 0x48], [0x65, 0x49]]
    tail = [0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd]
    for pfx in prefix_sets:
        for op in opcodes:
            for modrm in range(256):
                yield pfx + op + [modrm] + tail
                if modrm & 7 == 4 and modrm >> 6 != 3 and (modrm >> 3) & 7 in (0, 5):
                    for sib in range(256):
                        yield pfx + op + [modrm, sib] + tail


def random_codes(rng, count):
    interesting = [0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x2e, 0x36, 0x3e, 0x26, 0x64, 0x65,
                   0x40, 0x41, 0x44, 0x48, 0x4c, 0x4f, 0x0f, 0x88, 0x89, 0x8a, 0x8b, 0xc6,
                   0xc7, 0xa0, 0xa1, 0xa2, 0xa3, 0x63, 0xaa, 0xab, 0xa4, 0xa5, 0x86, 0x87,
                   0xb6, 0xb7, 0xbe, 0xbf, 0x04, 0x05, 0x24, 0x25, 0x44, 0x84, 0x80, 0x45]
    for _ in range(count):
        yield [rng.choice(interesting) if rng.random() < 0.6 else rng.randrange(256)
               for _ in range(15)]


def main():
    count = 200000
    if len(sys.argv) == 3 and sys.argv[1] == "--random":
        count = int(sys.argv[2])
    bad = checked = 0
    with tempfile.TemporaryDirectory() as tmp:
        dec = build_library(tmp)

        vectors = test_vectors()
        for mode in (M16, M32, M64):
            items = []
            for vmode, code, length, text in vectors:
                if vmode != mode:
                    continue
                err, insn = decode(dec, code, mode)
                if err or insn.len != length:
                    print("DECODER DISAGREES with test vector %s: %d/%d" % (text, err, insn.len))
                    bad += 1
                items.append((code, length, text))
            bad += check_batch(tmp, items, mode)
            checked += len(items)
        print("test vectors: %d checked" % checked)

        rng = random.Random(1)
        for mode in (M16, M32, M64):
            for name, source in (("sweep", sweep(mode)), ("random", random_codes(rng, count))):
                items, refused = [], 0
                for code in source:
                    err, insn = decode(dec, code, mode)
                    if err:
                        refused += 1
                        continue
                    items.append((code, insn.len, name))
                    # Dropping an ignored REX must change nothing but the length.
                    short = drop_ignored_rex(code[:insn.len], mode)
                    if len(short) != insn.len:
                        err2, insn2 = decode(dec, short, mode)
                        same = [getattr(insn, f) for f, _ in Insn._fields_[1:]] == \
                            [getattr(insn2, f) for f, _ in Insn._fields_[1:]]
                        if err2 or insn2.len != len(short) or not same:
                            print("REX DROP CHANGES DECODE %s" % bytes(code).hex(" "))
                            bad += 1
                for i in range(0, len(items), 50000):
                    bad += check_batch(tmp, items[i:i + 50000], mode)
                checked += len(items)
                print("%s-bit %s: %d accepted and checked, %d refused" %
                      (MODE_NAME[mode], name, len(items), refused))
    print("%d instructions checked against objdump, %d mismatches" % (checked, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
