// The 合规报告 page's 打印 button: the browser's print dialog (which can also save a PDF).
document.addEventListener("DOMContentLoaded", () => {
  const button = document.getElementById("cr-print");
  if (button) button.addEventListener("click", () => window.print());
});
