#!/bin/sh
# Makes test/fixtures/rotated-irot-6_skimage_rocket.heic (HEVC in HEIF, what an iPhone writes) from
# images/skimage_rocket.jpg: EXIF Orientation 6 added, encoded by heif-enc (x265), then an `irot`
# quarter turn clockwise added to the primary image, as heif-enc 1.15 writes none.
# Needs heif-enc with x265: `apt-get install libheif-examples` (Debian 12: libheif 1.15.1).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
node -e "require('sharp')(process.argv[1]).jpeg({ quality: 92 }).withMetadata({ orientation: 6 }).toFile(process.argv[2])" \
  "$root/images/skimage_rocket.jpg" "$tmp/rocket-o6.jpg"
heif-enc -q 60 -o "$tmp/rocket-o6.heic" "$tmp/rocket-o6.jpg"
# irot counts anticlockwise quarter turns: 3 is a quarter turn clockwise.
python3 "$root/scripts/add-heif-rotation.py" "$tmp/rocket-o6.heic" "$root/test/fixtures/rotated-irot-6_skimage_rocket.heic" 3
