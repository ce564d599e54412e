// The robustness chart as files: standalone SVG markup (the chart draws with attributes, not page
// CSS, so it looks the same outside the page) and a PNG rendered from it at a higher resolution.

const FILE = 'src/views/robustness/exportChart.ts';

function viewBoxSize(svg: SVGSVGElement): { width: number; height: number } {
  const box = svg.viewBox.baseVal;
  if (!box || box.width === 0 || box.height === 0) throw new Error(`${FILE}: the chart has no viewBox to export`);
  return { width: box.width, height: box.height };
}

export function svgMarkup(svg: SVGSVGElement): string {
  const { width, height } = viewBoxSize(svg);
  const copy = svg.cloneNode(true) as SVGSVGElement;
  copy.setAttribute('width', String(width));
  copy.setAttribute('height', String(height));
  copy.removeAttribute('class');
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(copy)}\n`;
}

export async function svgToPng(svg: SVGSVGElement, scale: number): Promise<Blob> {
  const { width, height } = viewBoxSize(svg);
  const url = URL.createObjectURL(new Blob([svgMarkup(svg)], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error(`${FILE}: no 2D canvas to render the PNG`);
    ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) => {
      canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error(`${FILE}: the browser could not encode the PNG`))), 'image/png');
    });
  } finally {
    URL.revokeObjectURL(url);
  }
}
