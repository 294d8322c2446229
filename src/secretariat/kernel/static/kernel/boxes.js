// Drawing redaction boxes on the pages of a scan under review (the archive desk's item page).
// Press on a page, drag, release: the box is written into the review form's "Boxes on the scan" field as
// "PAGE: X0,Y0,X1,Y1 = REASON", in the page image's own pixels, with the reason chosen beside the pages.
// The field stays the way to read, mend or type boxes by hand (keyboard users, exact figures); the server
// checks every box again.
document.addEventListener("DOMContentLoaded", () => {
  const field = document.querySelector("textarea[data-boxes]");
  if (!field) return;
  const reason = document.querySelector("[data-box-reason]");
  for (const frame of document.querySelectorAll("[data-page]")) {
    const image = frame.querySelector("img");
    let start = null;
    let mark = null;
    const at = (event) => {
      const r = image.getBoundingClientRect();
      return [
        Math.min(Math.max(event.clientX - r.left, 0), r.width),
        Math.min(Math.max(event.clientY - r.top, 0), r.height),
        r,
      ];
    };
    const place = (a, b, r) => {
      mark.style.left = `${(100 * Math.min(a[0], b[0])) / r.width}%`;
      mark.style.top = `${(100 * Math.min(a[1], b[1])) / r.height}%`;
      mark.style.width = `${(100 * Math.abs(a[0] - b[0])) / r.width}%`;
      mark.style.height = `${(100 * Math.abs(a[1] - b[1])) / r.height}%`;
    };
    frame.addEventListener("pointerdown", (event) => {
      event.preventDefault();
      start = at(event);
      mark = document.createElement("div");
      mark.className = "box drawing";
      frame.appendChild(mark);
      frame.setPointerCapture(event.pointerId);
    });
    frame.addEventListener("pointermove", (event) => {
      if (start) place(start, at(event), start[2]);
    });
    frame.addEventListener("pointerup", (event) => {
      if (!start) return;
      const end = at(event);
      const scale = image.naturalWidth / end[2].width;
      const [x0, x1] = [Math.min(start[0], end[0]), Math.max(start[0], end[0])].map((v) => Math.round(v * scale));
      const [y0, y1] = [Math.min(start[1], end[1]), Math.max(start[1], end[1])].map((v) => Math.round(v * scale));
      start = null;
      if (x1 - x0 < 3 || y1 - y0 < 3) {
        mark.remove();
        return;
      }
      const code = reason ? reason.value : "PRIVACY";
      mark.classList.remove("drawing");
      mark.textContent = code;
      const line = `${frame.dataset.page}: ${x0},${y0},${x1},${y1} = ${code}`;
      field.value = field.value && !field.value.endsWith("\n") ? `${field.value}\n${line}` : `${field.value}${line}`;
      field.dispatchEvent(new Event("change"));
    });
  }
});
