// 三率 charts: a dot plot per 街道 / department, from the JSON beside each table. The value
// axis starts near the lowest rate shown (not at 0), so 84 % and 98 % sit visibly apart; the
// note under the chart says so. ECharts' aria option writes a text description for screen
// readers; the table under the chart carries the same numbers for everyone.
(function () {
  "use strict";
  if (!window.echarts) return;
  var SERIES = [
    { key: "response", color: "#0b4f8a", symbol: "circle" },
    { key: "resolution", color: "#0f6b3a", symbol: "rect" },
    { key: "satisfaction", color: "#7a5200", symbol: "triangle" }
  ];
  var locale = document.documentElement.lang === "en" ? "EN" : "ZH";
  var charts = [];

  function axisStart(data) {
    var values = [];
    SERIES.forEach(function (s) { data[s.key].forEach(function (v) { if (v != null) values.push(v); }); });
    if (!values.length) return 0;
    var low = Math.min.apply(null, values);
    return Math.max(0, Math.floor((low - 2) / 10) * 10);
  }

  document.querySelectorAll("[data-chart-source]").forEach(function (el) {
    var source = document.getElementById(el.getAttribute("data-chart-source"));
    if (!source) return;
    var data = JSON.parse(source.textContent);
    if (!data.names.length) return;
    el.hidden = false;
    var block = el.parentNode;
    var note = block.querySelector(".no-js-note");
    if (note) note.hidden = true;
    var min = axisStart(data);
    var axisNote = block.querySelector(".chart-axis-note");
    if (axisNote && min > 0) axisNote.hidden = false;
    el.style.height = Math.max(220, 56 + data.names.length * 34) + "px";
    var chart = window.echarts.init(el, null, { renderer: "svg", locale: locale });
    chart.setOption({
      aria: { enabled: true },
      animation: false,
      legend: { top: 0, textStyle: { fontSize: 14 } },
      grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "line" }, valueFormatter: function (v) { return v == null ? "—" : v.toFixed(1) + "%"; } },
      xAxis: { type: "value", min: min, max: 100, axisLabel: { formatter: "{value}%", fontSize: 13 }, splitLine: { lineStyle: { color: "#d0d4d9" } } },
      // Long department names wrap onto a second line instead of being cut off.
      yAxis: {
        type: "category", inverse: true, data: data.names,
        axisTick: { show: false }, splitLine: { show: true, lineStyle: { color: "#eef0f2" } },
        axisLabel: { fontSize: 14, lineHeight: 18, width: Math.max(96, Math.min(180, el.clientWidth * 0.3)), overflow: "break" }
      },
      series: SERIES.map(function (s) {
        return {
          type: "scatter", name: data.labels[s.key], data: data[s.key].map(function (v, i) { return v == null ? null : [v, i]; }), symbol: s.symbol, symbolSize: 13,
          itemStyle: { color: s.color, borderColor: "#fff", borderWidth: 1 }
        };
      })
    });
    charts.push(chart);
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();
