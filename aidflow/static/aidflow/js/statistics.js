/* The monthly statistics' charts, drawn by the local Chart.js from the page's JSON data block. */
(function () {
  const source = document.getElementById("chart-data");
  if (!source || typeof Chart === "undefined") { return; }
  const data = JSON.parse(source.textContent);
  const palette = ["#3949ab", "#00897b", "#ef6c00", "#8e24aa", "#c62828", "#5d4037", "#0277bd", "#558b2f", "#6d4c41", "#455a64"];
  const sets = rows => rows.map((row, i) => ({label: row.label, data: row.data.map(Number), backgroundColor: palette[i % palette.length]}));
  const stacked = {responsive: true, animation: false, scales: {x: {stacked: true}, y: {stacked: true, beginAtZero: true}}};
  new Chart(document.getElementById("chart-region"), {type: "bar", data: {labels: data.months, datasets: sets(data.by_region)}, options: stacked});
  new Chart(document.getElementById("chart-category"), {type: "bar", data: {labels: data.months, datasets: sets(data.by_category)}, options: stacked});
  new Chart(document.getElementById("chart-ontime"), {type: "bar", data: {labels: data.ontime.map(r => r.stage), datasets: [{label: "%", data: data.ontime.map(r => r.rate), backgroundColor: "#2e7d32"}]}, options: {responsive: true, animation: false, scales: {y: {min: 0, max: 100}}, plugins: {legend: {display: false}}}});
})();
