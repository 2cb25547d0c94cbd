// 三率 charts: horizontal bars per 街道 / department, from the JSON beside each table.
// ECharts' aria option writes a text description of the chart for screen readers; the
// table next to the chart carries the same numbers for everyone.
(function () {
  "use strict";
  if (!window.echarts) return;
  var SERIES = [
    { key: "response", color: "#0b4f8a", decal: { symbol: "rect" } },
    { key: "resolution", color: "#0f6b3a", decal: { symbol: "circle" } },
    { key: "satisfaction", color: "#7a5200", decal: { symbol: "triangle" } }
  ];
  var locale = document.documentElement.lang === "en" ? "EN" : "ZH";
  var charts = [];
  document.querySelectorAll("[data-chart-source]").forEach(function (el) {
    var source = document.getElementById(el.getAttribute("data-chart-source"));
    if (!source) return;
    var data = JSON.parse(source.textContent);
    if (!data.names.length) return;
    el.hidden = false;
    var note = el.parentNode.querySelector(".no-js-note");
    if (note) note.hidden = true;
    el.style.height = Math.max(240, 60 + data.names.length * 64) + "px";
    var chart = window.echarts.init(el, null, { renderer: "svg", locale: locale });
    chart.setOption({
      aria: { enabled: true, decal: { show: true } },
      animation: false,
      legend: { top: 0, textStyle: { fontSize: 14 } },
      grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: function (v) { return v == null ? "—" : v + "%"; } },
      xAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%", fontSize: 13 } },
      // Long department names wrap onto a second line instead of being cut off.
      yAxis: {
        type: "category", inverse: true, data: data.names,
        axisLabel: { fontSize: 14, lineHeight: 18, width: Math.max(96, Math.min(180, el.clientWidth * 0.38)), overflow: "break" }
      },
      series: SERIES.map(function (s) {
        return { type: "bar", name: data.labels[s.key], data: data[s.key], itemStyle: { color: s.color, decal: s.decal }, barMaxWidth: 16 };
      })
    });
    charts.push(chart);
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();
