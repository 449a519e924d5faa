// The statistics page's charts, drawn from the JSON the page carries (no inline script: CSP).
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("statistics-chart-data");
  if (!source || typeof Chart === "undefined") {
    return; // the tables below the charts carry the same figures
  }
  const data = JSON.parse(source.textContent);
  const line = (canvas, datasets) =>
    new Chart(canvas, {
      type: "line",
      data: { labels: data.labels, datasets },
      options: { animation: false, responsive: true, scales: { y: { beginAtZero: true } } },
    });
  const households = document.querySelector("[data-chart=households]");
  if (households) {
    line(households, [
      { label: "低保户数", data: data.dibao_households },
      { label: "特困人数", data: data.tekun_persons },
    ]);
  }
  const amounts = document.querySelector("[data-chart=amounts]");
  if (amounts) {
    line(amounts, [
      { label: "低保金额(元)", data: data.dibao_amount.map(Number) },
      { label: "特困金额(元)", data: data.tekun_amount.map(Number) },
    ]);
  }
  document.body.dataset.chartsReady = "true";
});
