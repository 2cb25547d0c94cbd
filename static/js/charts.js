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

  function build(spec) {
    var size = Math.round(fontSize() * 0.8);
    var ink = isHighContrast() ? "#000" : "#1a1a1a";
    var valueAxis = { type: "value", axisLabel: { color: ink, fontSize: size }, max: spec.max == null ? null : spec.max, minInterval: spec.unit === "%" ? 0 : 1 };
    var categoryAxis = {
      type: "category",
      data: spec.categories,
      axisLabel: { color: ink, fontSize: size, interval: 0, hideOverlap: !spec.horizontal, rotate: spec.horizontal || spec.categories.length <= 6 ? 0 : 45 }
    };
    var series = spec.series.map(function (s) {
      var data = s.itemColors && s.itemColors.length
        ? s.data.map(function (v, i) { return { value: v, itemStyle: { color: s.itemColors[i] } }; })
        : s.data;
      var item = { name: s.name, type: spec.kind, data: data, emphasis: { focus: "series" } };
      if (s.color) item.itemStyle = { color: s.color };
      if (s.color && spec.kind === "line") item.lineStyle = { color: s.color, width: 3 };
      if (spec.kind === "line") { item.symbolSize = 8; }
      if (spec.stacked) item.stack = "total";
      return item;
    });
    return {
      animation: false,
      aria: { enabled: true, decal: { show: true }, label: { enabled: true, description: spec.title + "。" + (spec.description || "") } },
      textStyle: { fontSize: size, color: ink },
      tooltip: { trigger: "axis", axisPointer: { type: spec.kind === "line" ? "line" : "shadow" }, textStyle: { fontSize: size } },
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
    if (spec.horizontal) el.style.height = Math.max(240, spec.categories.length * 48 + 80) + "px";
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
