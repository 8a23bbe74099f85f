// The division map: 36 tiles on a grid (quotas/division_tiles.py), each coloured by the
// division's quota completion, a click opening the division's drill-down. ECharts from npm, data
// by json_script, no inline scripts or styles (Content Security Policy).
(function () {
  "use strict";

  var FONT = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif';
  // Completion bands, the same as the legend under the map (division_map.html).
  var BANDS = [
    { min: 100, fill: "#198754", text: "#ffffff" },
    { min: 60, fill: "#0b4ea2", text: "#ffffff" },
    { min: 30, fill: "#7aa6dc", text: "#10243e" },
    { min: 0, fill: "#f3c173", text: "#10243e" }
  ];
  var NONE = { fill: "#e9ecef", text: "#6c757d" };

  function band(percent) {
    if (percent === null || percent === undefined) { return NONE; }
    for (var i = 0; i < BANDS.length; i += 1) {
      if (percent >= BANDS[i].min) { return BANDS[i]; }
    }
    return BANDS[BANDS.length - 1];
  }

  function range(n) {
    var out = [];
    for (var i = 0; i < n; i += 1) { out.push(i); }
    return out;
  }

  function options(data) {
    var rows = 0;
    var cols = 0;
    data.tiles.forEach(function (t) {
      rows = Math.max(rows, t.row + 1);
      cols = Math.max(cols, t.col + 1);
    });
    return {
      textStyle: { fontFamily: FONT },
      grid: { left: 4, right: 4, top: 4, bottom: 4 },
      xAxis: { type: "category", data: range(cols), show: false },
      yAxis: { type: "category", data: range(rows), show: false, inverse: true },
      tooltip: {
        trigger: "item",
        renderMode: "richText",
        formatter: function (p) {
          var t = data.tiles[p.dataIndex];
          if (t.percent === null) { return t.name + "\n" + data.labels.none + "（" + data.labels.completed + " " + t.completed + "）"; }
          return t.name + "\n" + data.labels.completed + " " + t.completed + " / " + data.labels.quota + " " + t.quota +
            "\n" + data.labels.percent + " " + t.percent + "%";
        }
      },
      series: [{
        type: "custom",
        cursor: "pointer",
        data: data.tiles.map(function (t) { return [t.col, t.row]; }),
        renderItem: function (params, api) {
          var t = data.tiles[params.dataIndex];
          var colour = band(t.percent);
          var centre = api.coord([api.value(0), api.value(1)]);
          var size = api.size([1, 1]);
          var gap = 3;
          return {
            type: "group",
            children: [
              {
                type: "rect",
                shape: { x: centre[0] - size[0] / 2 + gap, y: centre[1] - size[1] / 2 + gap, width: size[0] - 2 * gap, height: size[1] - 2 * gap, r: 4 },
                style: { fill: colour.fill }
              },
              {
                type: "text",
                style: {
                  text: t.name + "\n" + (t.percent === null ? "—" : t.percent + "%"),
                  x: centre[0],
                  y: centre[1],
                  align: "center",
                  verticalAlign: "middle",
                  fill: colour.text,
                  font: "12px " + FONT
                }
              }
            ]
          };
        }
      }]
    };
  }

  function init() {
    if (!window.echarts) { return; }
    document.querySelectorAll("[data-division-map]").forEach(function (el) {
      var source = document.getElementById(el.dataset.source);
      if (!source) { return; }
      var data = JSON.parse(source.textContent);
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(options(data));
      chart.on("click", function (params) {
        var t = data.tiles[params.dataIndex];
        if (t && t.url) { window.location.href = t.url; }
      });
      window.addEventListener("resize", function () { chart.resize(); });
      el.dataset.ready = "1";
    });
  }

  document.addEventListener("DOMContentLoaded", init);
}());
