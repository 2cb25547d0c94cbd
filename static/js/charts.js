// Draws every `.chart[data-chart]` with Apache ECharts from the JSON printed next to it
// (the same numbers as the data table beside the chart). Without JavaScript the table stays.
(function () {
  "use strict";
  if (!window.echarts) return;
  var charts = [];

  function isHighContrast() {
    return document.documentElement.classList.contains("contrast-high");
  }

  function fontSize() {
    return parseFloat(getComputedStyle(document.documentElement).fontSize) || 18;
  }

  // The running month's point is a series of its own: list each name once.
  function onceEach(params) {
    var seen = {}, lines = [params.length ? params[0].axisValueLabel : ""];
    params.forEach(function (p) {
      if (p.value == null || seen[p.seriesName]) return;
      seen[p.seriesName] = true;
      lines.push(p.marker + p.seriesName + "  " + p.value);
    });
    return lines.join("<br>");
  }

  // Rates as a dot plot: the value axis starts near the lowest value (not at 0), so 84 % and
  // 98 % sit visibly apart, which bars running from 0 would hide.
  var SYMBOLS = ["circle", "rect", "triangle", "diamond"];
  function dotPlot(spec, valueAxis, categoryAxis, size, ink) {
    var values = [];
    spec.series.forEach(function (s) { s.data.forEach(function (v) { if (v != null) values.push(v); }); });
    var low = values.length ? Math.min.apply(null, values) : 0;
    valueAxis.min = Math.max(0, Math.floor((low - 2) / 10) * 10);
    valueAxis.axisLabel.formatter = spec.unit === "%" ? "{value}%" : "{value}";
    categoryAxis.axisLabel.rotate = 0;
    var series = spec.series.map(function (s, n) {
      return {
        name: s.name, type: "scatter", symbol: SYMBOLS[n % SYMBOLS.length], symbolSize: 13,
        itemStyle: { color: s.color, borderColor: "#fff", borderWidth: 1 },
        data: s.data.map(function (v, i) { return v == null ? null : [v, i]; })
      };
    });
    return {
      animation: false,
      aria: { enabled: true, label: { enabled: true, description: spec.title + "。" + (spec.description || "") } },
      textStyle: { fontSize: size, color: ink },
      tooltip: { trigger: "axis", axisPointer: { type: "line" }, textStyle: { fontSize: size } },
      legend: { top: 0, textStyle: { fontSize: size, color: ink } },
      grid: { left: 8, right: 24, top: 40, bottom: 8, containLabel: true },
      xAxis: valueAxis,
      yAxis: Object.assign({}, categoryAxis, { inverse: true, splitLine: { show: true, lineStyle: { color: "#eef0f2" } } }),
      series: series
    };
  }

  function build(spec) {
    var size = Math.round(fontSize() * 0.8);
    var ink = isHighContrast() ? "#000" : "#1a1a1a";
    var valueAxis = { type: "value", axisLabel: { color: ink, fontSize: size }, max: spec.max == null ? null : spec.max, minInterval: spec.unit === "%" ? 0 : 1 };
    var categoryAxis = {
      type: "category",
      data: spec.categories,
      axisLabel: { color: ink, fontSize: size, interval: 0, hideOverlap: !spec.horizontal, rotate: spec.horizontal || spec.categories.length <= 6 ? 0 : 45 }
    };
    var series = [];
    if (spec.kind === "dot") return dotPlot(spec, valueAxis, categoryAxis, size, ink);
    spec.series.forEach(function (s) {
      var data = s.itemColors && s.itemColors.length
        ? s.data.map(function (v, i) { return { value: v, itemStyle: { color: s.itemColors[i] } }; })
        : s.data;
      var item = { name: s.name, type: spec.kind, data: data, emphasis: { focus: "series" } };
      if (s.color) item.itemStyle = { color: s.color };
      if (s.color && spec.kind === "line") item.lineStyle = { color: s.color, width: 3 };
      if (spec.kind === "line") { item.symbolSize = 8; }
      if (spec.stacked) item.stack = "total";
      series.push(item);
      // A running month is not a plunge: the line stops at the last whole month, the running
      // month shows as a hollow point on a shaded band (its label says 本月未完).
      if (spec.partialLast && spec.kind === "line" && s.data.length > 1) {
        var last = s.data.length - 1;
        item.data = s.data.map(function (v, i) { return i === last ? null : v; });
        if (series.length === 1) {
          var month = spec.categories[last];
          item.markArea = { silent: true, itemStyle: { color: "rgba(0, 0, 0, 0.07)" }, data: [[{ xAxis: month }, { xAxis: month }]] };
        }
        series.push({
          name: s.name, type: "line", symbol: "emptyCircle", symbolSize: 10, itemStyle: item.itemStyle, lineStyle: { width: 0 },
          data: s.data.map(function (v, i) { return i === last ? v : null; })
        });
      }
    });
    return {
      animation: false,
      aria: { enabled: true, decal: { show: true }, label: { enabled: true, description: spec.title + "。" + (spec.description || "") } },
      textStyle: { fontSize: size, color: ink },
      tooltip: { trigger: "axis", axisPointer: { type: spec.kind === "line" ? "line" : "shadow" }, textStyle: { fontSize: size }, formatter: spec.partialLast ? onceEach : undefined },
      legend: { top: 0, textStyle: { fontSize: size, color: ink } },
      grid: { left: 8, right: 16, top: 40 + (spec.series.length > 3 ? size * 2 : 0), bottom: 8, containLabel: true },
      xAxis: spec.horizontal ? valueAxis : categoryAxis,
      yAxis: spec.horizontal ? Object.assign({}, categoryAxis, { inverse: true }) : valueAxis,
      series: series
    };
  }

  document.querySelectorAll(".chart[data-chart]").forEach(function (el) {
    var data = document.getElementById(el.getAttribute("data-chart"));
    if (!data) return;
    var spec = JSON.parse(data.textContent);
    el.hidden = false;
    if (spec.horizontal) el.style.height = Math.max(240, spec.categories.length * (spec.kind === "dot" ? 34 : 48) + 80) + "px";
    var locale = (document.documentElement.lang || "").indexOf("en") === 0 ? "EN" : "ZH";
    var chart = window.echarts.init(el, null, { renderer: "svg", locale: locale });
    chart.setOption(build(spec));
    charts.push({ chart: chart, spec: spec });
    if (window.ResizeObserver) new ResizeObserver(function () { chart.resize(); }).observe(el);
  });

  // Re-measure once everything has loaded: fonts and late layout can change the width.
  window.addEventListener("load", function () {
    charts.forEach(function (c) { c.chart.resize(); });
  });

  var pending = null;
  window.addEventListener("resize", function () {
    if (pending) cancelAnimationFrame(pending);
    pending = requestAnimationFrame(function () {
      charts.forEach(function (c) { c.chart.setOption(build(c.spec), true); c.chart.resize(); });
    });
  });
})();
