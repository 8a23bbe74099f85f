// The leaders' dashboard charts (ECharts). Each chart is an element with data-chart="<kind>" and
// data-source="<id of a json_script element>"; no inline scripts (Content Security Policy). Tooltips
// are drawn on the canvas (richText): HTML tooltips would carry inline styles the CSP refuses.
(function () {
  "use strict";

  var BLUE = "#0b4ea2";
  var GREEN = "#198754";
  var GREY = "#dfe5ee";
  var ORANGE = "#f0a020";
  var FONT = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif';

  function readData(el) {
    var source = document.getElementById(el.dataset.source);
    return source ? JSON.parse(source.textContent) : null;
  }

  function quotaOptions(data) {
    // Bars are completion rates, so a unit of 60 and a unit of 1 compare at a glance; the
    // label gives the numbers. Best completion at the top (ECharts draws the first category at
    // the bottom).
    var units = data.units.slice().reverse();
    var counted = data.completed.slice().reverse();
    var quota = data.quota.slice().reverse();
    var done = quota.map(function (q, i) { return Math.min(100, Math.round(100 * counted[i] / q)); });
    return {
      textStyle: { fontFamily: FONT },
      grid: { left: 8, right: 64, top: 28, bottom: 8, containLabel: true },
      legend: { top: 0, data: [data.labels.completed, data.labels.remaining] },
      tooltip: {
        trigger: "axis",
        renderMode: "richText",
        axisPointer: { type: "shadow" },
        formatter: function (items) {
          var i = items[0].dataIndex;
          return units[i] + "\n" + data.labels.completed + " " + counted[i] + " / " + quota[i] +
            "（" + Math.round(100 * counted[i] / quota[i]) + "%）\n" + data.labels.hint;
        }
      },
      xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
      yAxis: { type: "category", data: units, axisTick: { show: false } },
      series: [
        {
          name: data.labels.completed,
          type: "bar",
          stack: "quota",
          itemStyle: { color: BLUE },
          data: done.map(function (value) {
            return { value: value, itemStyle: { color: value >= 100 ? GREEN : BLUE } };
          }),
          barMaxWidth: 16,
          cursor: "pointer"
        },
        {
          name: data.labels.remaining,
          type: "bar",
          stack: "quota",
          data: done.map(function (value) { return 100 - value; }),
          itemStyle: { color: GREY },
          barMaxWidth: 16,
          cursor: "pointer",
          label: {
            show: true,
            position: "right",
            color: "#495057",
            formatter: function (p) { return counted[p.dataIndex] + "/" + quota[p.dataIndex]; }
          }
        }
      ]
    };
  }

  function funnelOptions(data) {
    return {
      textStyle: { fontFamily: FONT },
      tooltip: { trigger: "item", renderMode: "richText", formatter: "{b}：{c}" },
      color: [BLUE, "#3a78c9", ORANGE, GREEN],
      series: [
        {
          type: "funnel",
          left: "8%",
          width: "84%",
          top: 8,
          bottom: 8,
          sort: "none",
          minSize: "12%",
          gap: 2,
          label: { show: true, position: "inside", formatter: "{b}\n{c}", color: "#fff" },
          data: data.stages
        }
      ]
    };
  }

  function trendOptions(data) {
    return {
      textStyle: { fontFamily: FONT },
      color: [BLUE, ORANGE, GREEN],
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      legend: { top: 0 },
      tooltip: { trigger: "axis", renderMode: "richText" },
      xAxis: { type: "category", data: data.months },
      yAxis: { type: "value", minInterval: 1 },
      series: data.series.map(function (s, i) {
        return {
          name: s.name,
          type: i === 2 ? "bar" : "line",
          smooth: false,
          barMaxWidth: 18,
          data: s.data
        };
      })
    };
  }

  var BUILDERS = { quota: quotaOptions, funnel: funnelOptions, trend: trendOptions };

  function init() {
    if (!window.echarts) return;
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var all = readData(el);
      var kind = el.dataset.chart;
      if (!all || !all[kind] || !BUILDERS[kind]) return;
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(BUILDERS[kind](all[kind]));
      if (kind === "quota") {
        // Drill down: a click on a unit's bar (or its name) opens that unit's landings.
        var urls = all.quota.urls.slice().reverse();
        chart.on("click", function (params) {
          var url = urls[params.dataIndex];
          if (url) window.location.href = url;
        });
        chart.getZr().on("click", function (event) {
          var point = [event.offsetX, event.offsetY];
          if (!chart.containPixel("grid", point)) return;
          var index = chart.convertFromPixel({ seriesIndex: 0 }, point)[1];
          if (urls[index] && event.target == null) window.location.href = urls[index];
        });
      }
      el.dataset.ready = "1";
      charts.push(chart);
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (chart) { chart.resize(); });
    });
  }

  document.addEventListener("DOMContentLoaded", init);
})();
