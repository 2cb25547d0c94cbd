#!/usr/bin/env bash
# Fetch the public site's front-end libraries from the npm registry into static/vendor/<name>/,
# with their VERSION and LICENSE. We serve them ourselves: government networks are often
# closed to CDNs. Re-run after changing a version below, then commit static/vendor/.
#
#   scripts/fetch_vendor.sh
set -euo pipefail
cd "$(dirname "$0")/.."

ECHARTS_VERSION="5.6.0"
LEAFLET_VERSION="1.9.4"

VENDOR=static/vendor
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

fetch() {  # fetch <package> <version>: unpack the npm tarball into $WORK/<package>
  local name=$1 version=$2
  (cd "$WORK" && npm pack --silent "${name}@${version}" >/dev/null)
  mkdir -p "$WORK/$name"
  tar -xzf "$WORK/${name}-${version}.tgz" -C "$WORK/$name" --strip-components=1
  local got
  got=$(node -p "require('$WORK/$name/package.json').version")
  if [ "$got" != "$version" ]; then
    echo "expected $name $version, npm gave $got" >&2
    exit 1
  fi
}

install_meta() {  # install_meta <package> <version>
  local name=$1 version=$2 dest=$VENDOR/$1
  echo "$version" >"$dest/VERSION"
  cp "$WORK/$name/LICENSE" "$dest/LICENSE"
  if [ -f "$WORK/$name/NOTICE" ]; then cp "$WORK/$name/NOTICE" "$dest/NOTICE"; fi
  (cd "$dest" && sha256sum $(find . -type f ! -name SHA256SUMS | sort) >SHA256SUMS)
  echo "$name $version -> $dest"
}

# Apache ECharts: the minified full build (charts + aria).
fetch echarts "$ECHARTS_VERSION"
rm -rf "$VENDOR/echarts" && mkdir -p "$VENDOR/echarts"
cp "$WORK/echarts/dist/echarts.min.js" "$VENDOR/echarts/"
install_meta echarts "$ECHARTS_VERSION"

# Leaflet: script (with its source map), stylesheet and the marker images the stylesheet refers to.
fetch leaflet "$LEAFLET_VERSION"
rm -rf "$VENDOR/leaflet" && mkdir -p "$VENDOR/leaflet/images"
# leaflet.js names its source map: collectstatic (manifest storage) fails without it.
cp "$WORK/leaflet/dist/leaflet.js" "$WORK/leaflet/dist/leaflet.js.map" "$WORK/leaflet/dist/leaflet.css" "$VENDOR/leaflet/"
cp "$WORK/leaflet/dist/images/"*.png "$VENDOR/leaflet/images/"
install_meta leaflet "$LEAFLET_VERSION"
