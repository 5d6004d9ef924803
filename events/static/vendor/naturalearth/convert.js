// node convert.js countries-110m.json countries-110m.geojson
const fs = require("fs"), topo = require("topojson-client");
const [, , src, out] = process.argv;
const t = JSON.parse(fs.readFileSync(src));
const fc = topo.feature(t, t.objects.countries);
const round = (x) => Math.round(x * 1e3) / 1e3;
// A ring that crosses the antimeridian jumps from 180 to -180; make it continuous (190, ...)
// so that Leaflet draws no line across the whole world.
const unwrap = (ring) => {
  let shift = 0;
  return ring.map(([lon, lat], i) => {
    if (i > 0) {
      const previous = ring[i - 1][0] + shift;
      if (lon + shift - previous > 180) shift -= 360;
      else if (previous - (lon + shift) > 180) shift += 360;
    }
    return [round(lon + shift), round(lat)];
  });
};
const polygon = (rings) => rings.map(unwrap);
fc.features = fc.features.filter((f) => f.geometry && f.properties.name !== "Antarctica");
fc.features.forEach((f) => {
  const g = f.geometry;
  g.coordinates = g.type === "Polygon" ? polygon(g.coordinates) : g.coordinates.map(polygon);
  f.properties = { name: f.properties.name };
});
fs.writeFileSync(out, JSON.stringify(fc));
