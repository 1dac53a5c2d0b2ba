// bench/ui: the printed report, mlproject's figures next to MLflow's and the ratios.

const f = (x) => (x === null || x === undefined || !Number.isFinite(x) ? '-' : x >= 100 ? x.toFixed(0) : x.toFixed(1));
const cell = (s) => (s ? `${f(s.median)} / ${f(s.max)}` : '-');
/** MLflow ms / mlproject ms, from the medians: above 1 means mlproject is faster. */
const ratio = (theirs, ours) => (theirs && ours && ours.median > 0 ? `${(theirs.median / ours.median).toFixed(1)}x` : '-');

/** The report of bench/ui/run.mjs's `results` (with `results.summary`) as Markdown-ish text. */
export function report(results) {
  const m = results.summary.mlproject;
  const w = results.summary.mlflow;
  const r = results;
  const lines = [
    `bench/ui ${r.date}: ${r.cores} cores, ${r.cpu}, node ${r.node}, Chromium ${r.chromium}, load average before ${r.loadBefore.join(' ')}`,
    `mlproject ${r.commit} (UI bundle built ${r.uiBuilt})${r.mlflow ? `, mlflow ${r.mlflow.version} (\`mlflow ui\`, healthy after ${f(r.mlflow.startup)} s)` : ''}; ${r.runs} runs, ${r.points} points, ${r.reps} repetitions, ms median / max`,
    '',
    '| figure | mlproject | MLflow | MLflow / mlproject |',
    '|---|---:|---:|---:|',
  ];
  const row = (label, ours, theirs) => lines.push(`| ${label} | ${cell(ours)} | ${cell(theirs)} | ${ratio(theirs, ours)} |`);
  row('runs table: navigation -> first row painted', m.firstRow, w?.firstRow);
  row('runs table: interactive (navigation -> sorted rows painted after a click at first row)', m.interactive, w?.interactive);
  row('runs table: click on the rmse header -> first sorted row painted', m.clickToSorted, w?.clickToSorted);
  row('runs table: longest main-thread task during load and sort', m.tableLongestTask, w?.tableLongestTask);
  row('chart from the run page: navigation -> chart painted', m.chartPainted, w?.chartPainted);
  row('chart: navigation -> its data received', m.chartData, w?.chartData);
  row('chart: data received -> chart painted', m.chartFromData, w?.chartFromData);
  row('chart: longest main-thread task', m.chartLongestTask, w?.chartLongestTask);
  if (w) {
    row('MLflow metric page: navigation -> chart painted (vs mlproject\'s chart)', m.chartPainted, w.metricPagePainted);
    row('MLflow metric page: navigation -> all points received (vs mlproject\'s)', m.chartData, w.metricPageFullHistory);
  }
  lines.push('', 'mlproject only:');
  const only = [
    ['runs table: click -> all runs reloaded in the new order', m.clickToAll],
    ['scroll: frame time median', m.scrollMedian],
    ['scroll: frame time p95', m.scrollP95],
    ['scroll: frame time max', m.scrollMax],
  ];
  for (const [label, s] of only) lines.push(`  ${label}: ${cell(s)}`);

  const T = r.mlproject.table, S = r.mlproject.scroll, C = r.mlproject.chart;
  const med = (xs) => { const v = xs.filter(Number.isFinite).sort((a, b) => a - b); return v.length ? v[v.length >> 1] : NaN; };
  const code = (tt) => `${tt[0].load.codeFiles} script/style files, ${f(tt[0].load.codeBytes / 1024)} KiB over the wire (${f(tt[0].load.codeDecodedBytes / 1024)} KiB decoded)`;
  const search = (tt, key) => `${f(med(tt.map((x) => x[key]?.start)))}-${f(med(tt.map((x) => x[key]?.end)))} ms`;
  lines.push('', `where the runs table's time goes (medians): mlproject loads ${code(T)}, its first runs/search runs ${search(T.map((x) => x.load), 'firstSearch')} after navigation` +
    (r.mlflow ? `; MLflow loads ${code(r.mlflow.table)}, its first runs/search runs ${search(r.mlflow.table.map((x) => x.load), 'firstSearch')}, the sort's runs/search ${f(med(r.mlflow.table.map((x) => x.sortSearch && x.sortSearch.end - x.sortSearch.start)))} ms (request to response)` : ''));
  const errors = [...T, ...C].flatMap((x) => x.errors).length;
  lines.push('', `checks, mlproject: status "${T[0].status}", ${T[0].domRows} rows in the DOM, first row after sort "${T[0].firstSorted}"; ${C[0].historyRequests} get-history requests for the chart, ${f(C[0].historyBytes / 1e6)} MB (all ${r.points} points drawn); scroll reached index ${S[0].lastIndex} over ${S[0].scrollPx}px in ${S[0].frames} frames (${S[0].distinctFirst} distinct first rows), frames > 20 ms per rep: ${S.map((s) => s.over20).join(', ')}; page errors: ${errors}`);
  if (r.mlflow) {
    const F = r.mlflow;
    const reqs = (list) => list.map((q) => `${decodeURIComponent(q.url.replace(/^\/ajax-api\/2\.0\/mlflow\//, '')).replace(/run_(ids|uuid)=[0-9a-f]+/, 'run=…').replace(/&page_token=\S+/, '&page_token=…')} -> ${q.points} points`).join('; ');
    const werrors = [...F.table, ...F.chart, ...F.metricPage].flatMap((x) => x.errors).length;
    lines.push(`checks, MLflow: status "${F.table[0].status}", ${F.table[0].domRows} rows in the DOM, ${F.table[0].searches} runs/search requests (the page's and the sort's); run page chart: ${reqs(F.chartRequests)}, plotly given ${F.chart[0].drawn.given} points, ${F.chart[0].drawn.pathPoints} in the drawn line; metric page: ${reqs(F.metricPageRequests)}, plotly given ${F.metricPage[0].drawn.given} points, ${F.metricPage[0].drawn.pathPoints} in the drawn line; page errors: ${werrors}`);
  }
  return lines.join('\n');
}
