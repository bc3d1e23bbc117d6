/* The admin's 数据中心 page (admin/analytics/datacentre.html): draws the charts with ECharts from
   the figures the server embedded (<script id="dc-data" type="application/json">), formats the
   figures exactly as the tables beside the charts do (integers only: fen, basis points,
   thousandths), and makes the period form submit on a preset. No inline script: the CSP forbids it. */
(function () {
  "use strict";

  var COLOURS = { line: "#417690", green: "#2e7d32", amber: "#d48806", open: "#a0a0a0" };

  function group(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }

  // value / 10^places with thousands separators, for integer values.
  function decimal(value, places) {
    var sign = value < 0 ? "-" : "";
    var v = Math.abs(value);
    var scale = Math.pow(10, places);
    var whole = Math.floor(v / scale);
    var part = String(v - whole * scale);
    while (part.length < places) part = "0" + part;
    return sign + group(whole) + (places ? "." + part : "");
  }

  function format(value, unit) {
    if (value === null || value === undefined) return "—";
    if (unit === "fen") return "¥" + decimal(value, 2);
    if (unit === "bps") return decimal(value, 2) + "%";
    if (unit === "milli") {
      var sign = value < 0 ? -1 : 1;
      return decimal(sign * Math.floor((2 * Math.abs(value) + 10) / 20), 2);
    }
    return decimal(value, 0);
  }

  // Axis ticks: whole yuan, whole percent, plain numbers.
  function axisLabel(unit) {
    return function (value) {
      if (unit === "fen") return "¥" + group(Math.round(value / 100));
      if (unit === "bps") return Math.round(value / 100) + "%";
      if (unit === "milli") return (value / 1000).toFixed(1);
      return group(value);
    };
  }

  var charts = [];

  // The admin's own text colour, so the charts read in its dark theme too.
  function textColour() {
    return getComputedStyle(document.documentElement).getPropertyValue("--body-quiet-color").trim() || "#666";
  }

  function draw(element, option) {
    var chart = window.echarts.init(element, null, { renderer: "canvas" });
    chart.setOption(Object.assign({ animation: false, textStyle: { color: textColour() } }, option));
    charts.push(chart);
  }

  function trendOption(trend) {
    var points = trend.points;
    return {
      grid: { left: 72, right: 16, top: 16, bottom: 28 },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return format(v, trend.unit); } },
      xAxis: { type: "category", data: points.map(function (p) { return p.label; }) },
      yAxis: { type: "value", axisLabel: { formatter: axisLabel(trend.unit) } },
      series: [{
        type: "line",
        name: trend.label,
        data: points.map(function (p) { return p.value; }),
        showSymbol: points.length <= 31,
        itemStyle: { color: COLOURS.line },
      }],
    };
  }

  function cohortOption(rows, band) {
    var lines = [band.band_low, band.band_high].filter(function (v) { return v !== null; });
    return {
      grid: { left: 56, right: 56, top: 16, bottom: 28 },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return format(v, "bps"); } },
      xAxis: { type: "category", data: rows.map(function (r) { return r.month; }) },
      yAxis: { type: "value", axisLabel: { formatter: axisLabel("bps") } },
      series: [{
        type: "bar",
        name: "次月复购率",
        data: rows.map(function (r) {
          var colour = r.complete ? COLOURS[r.health] || COLOURS.line : COLOURS.open;
          return { value: r.rate_bps, itemStyle: { color: colour } };
        }),
        markLine: {
          silent: true,
          symbol: "none",
          label: { formatter: function (p) { return format(p.value, "bps"); } },
          lineStyle: { type: "dashed", color: COLOURS.green },
          data: lines.map(function (v) { return { yAxis: v }; }),
        },
      }],
    };
  }

  function productsOption(rows) {
    var shown = rows.slice().reverse(); // the best at the top
    return {
      grid: { left: 8, right: 96, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: function (v) { return format(v, "fen"); } },
      xAxis: { type: "value", axisLabel: { formatter: axisLabel("fen") } },
      yAxis: { type: "category", data: shown.map(function (r) { return r.name; }), axisLabel: { width: 160, overflow: "truncate" } },
      series: [{
        type: "bar",
        name: "GMV",
        data: shown.map(function (r) { return r.gmv_fen; }),
        itemStyle: { color: COLOURS.line },
        label: { show: true, position: "right", formatter: function (p) { return format(p.value, "fen"); } },
      }],
    };
  }

  function drawAll() {
    var node = document.getElementById("dc-data");
    if (!node || !window.echarts) return;
    var data = JSON.parse(node.textContent);
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      var kind = element.getAttribute("data-chart");
      if (kind === "trend") draw(element, trendOption(data.trends[Number(element.getAttribute("data-index"))]));
      else if (kind === "cohorts") draw(element, cohortOption(data.cohorts, data.repurchase));
      else if (kind === "products") draw(element, productsOption(data.products_by_gmv));
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (chart) { chart.resize(); });
    });
  }

  // A preset is one click; typing a date means a custom period.
  function enhanceForm() {
    var form = document.getElementById("dc-range");
    if (!form) return;
    form.querySelectorAll("input[name=range]").forEach(function (radio) {
      radio.addEventListener("change", function () {
        if (radio.value !== "custom") form.requestSubmit();
      });
    });
    form.querySelectorAll("input[type=date]").forEach(function (input) {
      input.addEventListener("change", function () {
        var custom = form.querySelector("input[name=range][value=custom]");
        if (custom) custom.checked = true;
      });
    });
  }

  window.fxDataCentre = { format: format };
  enhanceForm();
  drawAll();
})();
