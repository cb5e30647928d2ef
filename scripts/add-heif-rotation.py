"""Adds an `irot` property (rotation) to the primary image of a HEIF file written by heif-enc 1.15.

heif-enc 1.15 copies a JPEG's EXIF orientation but writes no transform, and HEIF readers take the
rotation from `irot`, not from EXIF (ISO/IEC 23008-12, 6.5.10). iPhones write both; this makes the
test fixture do the same. Usage: python3 add-heif-rotation.py in.heic out.heic <anticlockwise quarter turns>
"""
import struct
import sys

src, dst, turns = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = bytearray(open(src, 'rb').read())


def children(start, end):
    found, off = [], start
    while off < end:
        size, kind = struct.unpack('>I4s', data[off:off + 8])
        found.append((kind.decode(), off, size))
        off += size
    return found


def by_kind(start, end):
    return {kind: (off, size) for kind, off, size in children(start, end)}


top = by_kind(0, len(data))
meta_off, meta_size = top['meta']
meta = by_kind(meta_off + 12, meta_off + meta_size)
primary = struct.unpack('>H', data[meta['pitm'][0] + 12:meta['pitm'][0] + 14])[0]
iprp_off, iprp_size = meta['iprp']
iprp = by_kind(iprp_off + 8, iprp_off + iprp_size)
ipco_off, ipco_size = iprp['ipco']
ipma_off, ipma_size = iprp['ipma']
prop_index = len(children(ipco_off + 8, ipco_off + ipco_size)) + 1
irot = struct.pack('>I4sB', 9, b'irot', turns & 3)

# ipma: version/flags, entry_count, then per item: id, count, one byte per association (flags bit 0 unset).
version, flags = data[ipma_off + 8], int.from_bytes(data[ipma_off + 9:ipma_off + 12], 'big')
assert version == 0 and flags & 1 == 0, 'only ipma version 0 with 1-byte associations is handled'
entries = struct.unpack('>I', data[ipma_off + 12:ipma_off + 16])[0]
off = ipma_off + 16
for _ in range(entries):
    item, count = struct.unpack('>HB', data[off:off + 3])
    if item == primary:
        data[off + 2] = count + 1
        data[off + 3 + count:off + 3 + count] = bytes([0x80 | prop_index])  # essential
        break
    off += 3 + count
else:
    raise SystemExit('primary item has no ipma entry')
data[ipco_off + ipco_size:ipco_off + ipco_size] = irot  # ipco ends where ipma starts
grown = len(irot) + 1

for off, size in ((meta_off, meta_size), (iprp_off, iprp_size), (ipco_off, ipco_size)):
    struct.pack_into('>I', data, off, size + (len(irot) + 1 if off != ipco_off else len(irot)))
ipma_new = ipma_off + len(irot)
struct.pack_into('>I', data, ipma_new, ipma_size + 1)

# iloc (before iprp, so not moved): file offsets of construction method 0 move by what meta grew.
iloc_off = meta['iloc'][0]
iv = data[iloc_off + 8]
p = iloc_off + 12
sizes = data[p:p + 2]
offset_size, length_size, base_size = sizes[0] >> 4, sizes[0] & 15, sizes[1] >> 4
index_size = sizes[1] & 15 if iv in (1, 2) else 0
p += 2
count = struct.unpack('>H', data[p:p + 2])[0] if iv < 2 else struct.unpack('>I', data[p:p + 4])[0]
p += 2 if iv < 2 else 4


def shift(pos, width):
    if width:
        value = int.from_bytes(data[pos:pos + width], 'big')
        data[pos:pos + width] = (value + grown).to_bytes(width, 'big')


for _ in range(count):
    p += 2 if iv < 2 else 4
    method = 0
    if iv in (1, 2):
        method = struct.unpack('>H', data[p:p + 2])[0] & 15
        p += 2
    p += 2  # data_reference_index
    base_pos = p
    p += base_size
    extents = struct.unpack('>H', data[p:p + 2])[0]
    p += 2
    if method == 0 and base_size:
        shift(base_pos, base_size)
    for _ in range(extents):
        p += index_size
        if method == 0 and not base_size:
            shift(p, offset_size)
        p += offset_size + length_size

open(dst, 'wb').write(data)
