document.documentElement.classList.add("js");
for (const box of document.querySelectorAll("input[data-family]")) {
  box.addEventListener("change", () => {
    document.body.classList.toggle("hide-" + box.dataset.family, !box.checked);
  });
}
