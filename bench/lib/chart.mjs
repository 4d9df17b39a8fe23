// latest.svg: server CPU per message relative to the C epoll server, grouped by load, one bar per server.
// Hand-written SVG: a fixed layout, no dependencies.
import { BASELINE_ENGINE, REFERENCE } from './config.mjs';

const COLORS = ['#4e79a7', '#f28e2b', '#59a14f', '#9c755f', '#e15759', '#76b7b2'];
const BASELINE_ENGINE_OPACITY = 0.45;
const LEGEND_ROW_HEIGHT = 18;
const BAR_WIDTH = 22;
const BAR_GAP = 4;
const GROUP_GAP = 36;
const PLOT_HEIGHT = 260;
const MARGIN = { top: 70, right: 24, bottom: 70, left: 56 };

const escapeXml = (text) => String(text).replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]);

/** Ticks at a round step (1, 2, 2.5 or 5 x 10^k), about five of them, the last one above the largest bar. */
function axisTicks(largest) {
  const top = Math.max(largest, 1) * 1.08;
  const rough = top / 5;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((factor) => factor * power).find((candidate) => candidate >= rough);
  const count = Math.ceil(top / step);
  return Array.from({ length: count + 1 }, (_, i) => Math.round(i * step * 1000) / 1000);
}

/**
 * One color per family, so a strategy keeps its color on every engine; on the baseline engine (epoll) the bar
 * is paler, and each io_uring bar stands next to its epoll twin in the same hue.
 */
function barFills(servers) {
  const families = [...new Set(servers.map((server) => server.family ?? server.id))];
  return servers.map((server) => {
    const color = COLORS[families.indexOf(server.family ?? server.id) % COLORS.length];
    return server.engine === BASELINE_ENGINE ? `fill="${color}" fill-opacity="${BASELINE_ENGINE_OPACITY}"` : `fill="${color}"`;
  });
}

/** Legend entries left to right, wrapped onto a new row where the next one would pass `right`. */
function legendLayout(names, left, right) {
  let x = left;
  let row = 0;
  return names.map((name) => {
    const entryWidth = 28 + name.length * 7;
    if (x > left && x + entryWidth > right) {
      x = left;
      row++;
    }
    const entry = { x, row };
    x += entryWidth;
    return entry;
  });
}

/**
 * @param {{ load: object, rows: object[] }[]} results
 * @param {object[]} servers in display order (config.mjs SERVERS entries)
 * @param {string[]} subtitleLines the machine and the run, under the title
 */
export function renderChart(results, servers, subtitleLines) {
  const serverNames = servers.map((server) => server.name);
  const fills = barFills(servers);
  const groupWidth = serverNames.length * (BAR_WIDTH + BAR_GAP) - BAR_GAP;
  const plotWidth = Math.max(results.length * (groupWidth + GROUP_GAP), 600); // room for the title lines
  const width = MARGIN.left + plotWidth + MARGIN.right;
  const legend = legendLayout(serverNames, MARGIN.left, MARGIN.left + plotWidth);
  const legendHeight = 20 + LEGEND_ROW_HEIGHT * Math.max(0, ...legend.map((entry) => entry.row));
  const height = MARGIN.top + PLOT_HEIGHT + MARGIN.bottom + legendHeight;
  const values = results.flatMap(({ rows }) => rows.map((row) => row.cpuVsC).filter((value) => value != null));
  const ticks = axisTicks(Math.max(0, ...values));
  const maximum = ticks.at(-1);
  const y = (value) => Math.round((MARGIN.top + PLOT_HEIGHT - (value / maximum) * PLOT_HEIGHT) * 10) / 10;

  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${MARGIN.left}" y="20" font-size="14" font-weight="bold">Server CPU per message, relative to ${escapeXml(REFERENCE.c)} (lower is better)</text>`,
    ...subtitleLines.map((line, i) => `<text x="${MARGIN.left}" y="${38 + 15 * i}" fill="#555">${escapeXml(line)}</text>`),
  ];
  for (const tick of ticks) {
    parts.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotWidth}" y1="${y(tick)}" y2="${y(tick)}" stroke="#e5e5e5"/>`,
      `<text x="${MARGIN.left - 6}" y="${y(tick) + 4}" text-anchor="end" fill="#555">${tick}x</text>`,
    );
  }
  // The C server is 1.0 by definition: the line every bar is read against.
  parts.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotWidth}" y1="${y(1)}" y2="${y(1)}" stroke="#333" stroke-dasharray="4 3"/>`);

  results.forEach(({ load, rows }, groupIndex) => {
    const groupX = MARGIN.left + GROUP_GAP / 2 + groupIndex * (groupWidth + GROUP_GAP);
    serverNames.forEach((name, serverIndex) => {
      const row = rows.find((candidate) => candidate.server === name);
      const x = groupX + serverIndex * (BAR_WIDTH + BAR_GAP);
      const value = row?.cpuVsC;
      if (value == null) {
        parts.push(`<text x="${x + BAR_WIDTH / 2}" y="${y(0) - 4}" text-anchor="middle" fill="#999" font-size="9">n/a</text>`);
        return;
      }
      const top = y(value);
      parts.push(
        `<rect x="${x}" y="${top}" width="${BAR_WIDTH}" height="${y(0) - top}" ${fills[serverIndex]}><title>${escapeXml(`${load.name}, ${name}: ${value.toFixed(2)}x`)}</title></rect>`,
        `<text x="${x + BAR_WIDTH / 2}" y="${top - 3}" text-anchor="middle" font-size="9">${value.toFixed(1)}</text>`,
      );
    });
    parts.push(`<text x="${groupX + groupWidth / 2}" y="${y(0) + 16}" text-anchor="middle">${escapeXml(load.name)}</text>`);
  });
  parts.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotWidth}" y1="${y(0)}" y2="${y(0)}" stroke="#333"/>`);

  serverNames.forEach((name, serverIndex) => {
    const { x, row } = legend[serverIndex];
    const legendY = MARGIN.top + PLOT_HEIGHT + MARGIN.bottom - 10 + row * LEGEND_ROW_HEIGHT;
    parts.push(
      `<rect x="${x}" y="${legendY - 9}" width="10" height="10" ${fills[serverIndex]}/>`,
      `<text x="${x + 14}" y="${legendY}">${escapeXml(name)}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
