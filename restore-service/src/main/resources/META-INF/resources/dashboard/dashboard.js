// Ferry's dashboard: a small static app over restore-service's public REST API, with the caller's own token.
(() => {
  'use strict';
  const TOKEN_KEY = 'ferry.token';
  const $ = (id) => document.getElementById(id);
  const views = ['sign-in', 'applications', 'application', 'restores', 'failures'];
  const POLL_MILLIS = 2000;
  const DRILL_POLL_MILLIS = 1000;
  const DRILL_STEPS = ['admit', 'namespace', 'restore', 'check', 'cleanup'];
  let poller = null;
  // Counts the views shown: a drill being followed stops when the view it was started from is left.
  let shown = 0;
  let drilled = null;
  let points = [];
  let charts = [];
  let planned = null;

  // ---- the API ----------------------------------------------------------------------------------------------------
  class Problem extends Error {
    constructor(status, body) {
      super(body && body.detail ? body.detail : 'HTTP ' + status);
      this.status = status;
      this.body = body || {};
    }
  }

  async function api(method, path, body) {
    const token = sessionStorage.getItem(TOKEN_KEY);
    const headers = { 'Accept': 'application/json' };
    if (token) headers['Authorization'] = 'Bearer ' + token;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    const json = text ? JSON.parse(text) : null;
    if (response.status === 401) {
      signOut('Your token was not accepted by the DR cluster (expired, or of another cluster). Sign in again.');
      throw new Problem(401, json);
    }
    if (!response.ok) throw new Problem(response.status, json);
    return json;
  }

  // ---- formatting -------------------------------------------------------------------------------------------------
  const el = (tag, attrs = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === 'class') node.className = v; else if (k.startsWith('data-')) node.setAttribute(k, v); else node[k] = v;
    }
    for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    return node;
  };
  const bytes = (n) => {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return (i === 0 ? n : n.toFixed(1)) + ' ' + units[i];
  };
  const span = (s) => {
    if (s < 90) return s + ' s';
    if (s < 5400) return Math.round(s / 60) + ' min';
    if (s < 129600) return (s / 3600).toFixed(1) + ' h';
    return (s / 86400).toFixed(1) + ' d';
  };
  const age = (iso) => span(Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000)));
  const until = (iso) => {
    const s = Math.round((Date.parse(iso) - Date.now()) / 1000);
    return s <= 0 ? 'due now' : 'in ' + span(s);
  };
  // A measured time to recover: tenths of a second while they matter.
  const millis = (ms) => ms < 10000 ? (ms / 1000).toFixed(1) + ' s' : duration(Math.round(ms / 1000));
  const rate = (n) => bytes(n) + '/s';
  const duration = (s) => s < 90 ? s + ' s' : s < 5400 ? Math.round(s / 60) + ' min' : (s / 3600).toFixed(1) + ' h';
  const when = (iso) => iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' }) : '–';
  const appKey = (p) => p.sourceCluster + '/' + p.namespace;

  function problemBox(error) {
    const box = el('div', { class: 'problem', role: 'alert' },
      el('strong', {}, (error.body && error.body.title) || 'The request failed'), el('p', {}, error.message));
    const details = (error.body && error.body.errors) || [];
    if (details.length) box.append(el('ul', {}, ...details.map((d) => el('li', {}, d))));
    return box;
  }

  // ---- views ------------------------------------------------------------------------------------------------------
  function show(view) {
    views.forEach((v) => { $(v).hidden = v !== view; });
    $('nav-applications').toggleAttribute('aria-current', view === 'applications' || view === 'application');
    $('nav-restores').toggleAttribute('aria-current', view === 'restores');
    $('nav-failures').toggleAttribute('aria-current', view === 'failures');
    charts.forEach((c) => c.destroy());
    charts = [];
    clearInterval(poller);
    poller = null;
    shown++;
  }

  function signOut(message) {
    sessionStorage.removeItem(TOKEN_KEY);
    $('sign-in-error').textContent = message || '';
    $('who').replaceChildren();
    show('sign-in');
  }

  function signedIn() {
    $('who').replaceChildren('Signed in with a token of the DR cluster',
      el('button', { class: 'secondary', type: 'button', id: 'sign-out', onclick: () => signOut() }, 'Sign out'));
  }

  async function route() {
    if (!sessionStorage.getItem(TOKEN_KEY)) { show('sign-in'); return; }
    signedIn();
    const hash = location.hash || '#/';
    try {
      if (hash.startsWith('#/app/')) await showApplication(decodeURIComponent(hash.substring(6)));
      else if (hash === '#/restores') await showRestores();
      else if (hash === '#/failures') await showFailures();
      else await showApplications();
    } catch (e) {
      if (e.status !== 401) $('main').prepend(problemBox(e));
    }
  }

  async function loadPoints() {
    points = await api('GET', '/api/v1/restore-points');
    points.sort((a, b) => Date.parse(b.recoveryPointAt) - Date.parse(a.recoveryPointAt));
  }

  // A list of drills or schedules, or null when it cannot be read: the applications still show without their drills.
  const orNull = (e) => {
    if (e.status === 401) throw e;
    return null;
  };

  async function showApplications() {
    const [, drills, schedules] = await Promise.all([loadPoints(), api('GET', '/api/v1/drills').catch(orNull),
      api('GET', '/api/v1/drill-schedules').catch(orNull)]);
    show('applications');
    const apps = new Map();
    for (const p of points) {
      if (!apps.has(appKey(p))) apps.set(appKey(p), []);
      apps.get(appKey(p)).push(p);
    }
    const rows = [...apps.entries()].map(([key, list]) => {
      const newest = list.find((p) => p.complete);
      const size = newest ? newest.volumes.reduce((sum, v) => sum + v.sizeBytes, 0) : 0;
      const moved = newest && newest.bytesMoved != null ? bytes(newest.bytesMoved) : '–';
      const ageCell = newest ? el('td', {}, rpoBadge(newest)) : el('td', {}, el('span', { class: 'badge bad' }, 'none complete'));
      return el('tr', { 'data-app': key },
        el('td', {}, el('a', { href: '#/app/' + encodeURIComponent(key) }, list[0].namespace), el('div', { class: 'hint' }, list[0].sourceCluster)),
        el('td', {}, newest ? when(newest.recoveryPointAt) : '–'), ageCell,
        el('td', {}, newest ? newest.volumes.length : list[0].volumes.length), el('td', {}, newest ? bytes(size) : '–'),
        el('td', {}, moved), el('td', {}, list.length), el('td', {}, sparkline(list.filter((p) => p.complete).slice(0, 12).reverse())),
        lastDrillCell(drills, schedules, key));
    });
    $('applications-table').tBodies[0].replaceChildren(...rows);
    $('applications-empty').hidden = rows.length > 0;
    await showInFlight();
    poller = setInterval(() => showInFlight().catch(() => {}), POLL_MILLIS);
  }

  // A small picture of an application's last backups, oldest first: a bar per backup for the bytes it moved, a line for
  // its recovery-point lag (from its snapshots to its arrival in region B); each scaled to its own largest value.
  function sparkline(points) {
    const ns = 'http://www.w3.org/2000/svg';
    const width = 120, height = 28, step = width / Math.max(points.length, 1);
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('class', 'spark');
    svg.setAttribute('width', width);
    svg.setAttribute('height', height);
    svg.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
    const lags = points.map((p) => (Date.parse(p.recordedAt) - Date.parse(p.recoveryPointAt)) / 1000);
    const maxMoved = Math.max(1, ...points.map((p) => p.bytesMoved || 0));
    const maxLag = Math.max(1, ...lags);
    const title = document.createElementNS(ns, 'title');
    title.textContent = points.map((p, i) => bytes(p.bytesMoved || 0) + ' moved, ' + Math.round(lags[i]) + ' s lag').join('; ');
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', 'Last ' + points.length + ' backups: ' + title.textContent);
    svg.append(title);
    points.forEach((p, i) => {
      const h = Math.max(1, (p.bytesMoved || 0) / maxMoved * (height - 4));
      const bar = document.createElementNS(ns, 'rect');
      bar.setAttribute('class', 'moved');
      bar.setAttribute('x', i * step + step * 0.2);
      bar.setAttribute('y', height - h);
      bar.setAttribute('width', step * 0.6);
      bar.setAttribute('height', h);
      svg.append(bar);
    });
    if (points.length > 1) {
      const line = document.createElementNS(ns, 'polyline');
      line.setAttribute('class', 'lag');
      line.setAttribute('points', lags.map((l, i) => (i * step + step / 2) + ',' + (height - 2 - l / maxLag * (height - 6))).join(' '));
      svg.append(line);
    }
    return svg;
  }

  // The age of the newest complete restore point against its policy's RPO target: green within 80% of it, amber up to
  // the target, red beyond; neutral when the policy states none.
  function rpoBadge(point) {
    const seconds = Math.max(0, (Date.now() - Date.parse(point.recoveryPointAt)) / 1000);
    const target = point.rpoTargetSeconds;
    if (target == null) {
      return el('span', { class: 'badge', title: 'Its policy states no RPO target' }, age(point.recoveryPointAt));
    }
    const level = seconds <= 0.8 * target ? 'ok' : seconds <= target ? 'warn' : 'bad';
    const words = { ok: 'within', warn: 'near', bad: 'beyond' }[level];
    const badge = el('span', { class: 'badge rpo ' + level, 'data-rpo': level,
      title: 'RPO target ' + duration(target) + ': ' + words + ' it' }, age(point.recoveryPointAt) + ' of ' + duration(target));
    return badge;
  }

  // The application's newest drill (drills come newest first): its outcome, its RTO against the target, how long ago; and
  // when a schedule drills it next.
  function lastDrillCell(drills, schedules, key) {
    if (drills === null) {
      return el('td', { class: 'hint', title: 'The drills could not be read' }, '–');
    }
    const drill = drills.find((d) => appKey(d) === key);
    const next = nextDrill((schedules || []).filter((s) => appKey(s) === key));
    const cell = el('td', { 'data-drill-outcome': drill ? drill.state : 'never' });
    if (!drill) {
      cell.append(el('span', { class: 'hint' }, 'never'));
      if (next) cell.append(el('div', { class: 'hint' }, next));
      return cell;
    }
    cell.append(outcomeBadge(drill), ' ');
    if (drill.state === 'failed') cell.append(el('span', { class: 'hint', title: drill.error || '' }, 'at ' + drill.failedStep));
    else if (drill.rtoMillis != null) cell.append(rtoText(drill));
    cell.append(el('div', { class: 'hint' }, age(drill.completedAt || drill.startedAt) + ' ago' + (next ? ' · ' + next : '')));
    return cell;
  }

  // The soonest next drill of an application's schedules, or why none is coming; null when no schedule covers it.
  function nextDrill(schedules) {
    if (!schedules.length) return null;
    const due = schedules.filter((s) => s.nextDrillAt).map((s) => s.nextDrillAt).sort()[0];
    if (due) return 'next drill ' + until(due);
    return schedules.some((s) => s.valid) ? 'schedule suspended' : 'schedule invalid';
  }

  const outcomeBadge = (d) => d.state === 'running'
    ? el('span', { class: 'badge warn' }, 'running: ' + d.step)
    : el('span', { class: 'badge ' + (d.state === 'passed' ? 'ok' : 'bad') }, d.state);

  // The measured RTO against the policy's RTO target, coloured as the RPO is: green within 80% of it, amber up to it, red
  // beyond; plain when the policy states none.
  function rtoText(d) {
    const target = d.rtoTargetSeconds;
    if (target == null) {
      return el('span', { class: 'rto', 'data-rto': 'none', title: 'Its policy states no RTO target' }, 'RTO ' + millis(d.rtoMillis));
    }
    const seconds = d.rtoMillis / 1000;
    const level = seconds <= 0.8 * target ? 'ok' : seconds <= target ? 'warn' : 'bad';
    const words = { ok: 'within', warn: 'near', bad: 'beyond' }[level];
    return el('span', { class: 'rto ' + level, 'data-rto': level, title: 'RTO target ' + duration(target) + ': ' + words + ' it' },
      millis(d.rtoMillis) + ' of ' + duration(target) + ' target');
  }

  // Backups on their way to region B, volume by volume; polled while the applications are shown.
  async function showInFlight() {
    // Every backup still moving, and the five that arrived last: a long history belongs to the restore points.
    const all = await api('GET', '/api/v1/transfers');
    const backups = all.filter((b) => !b.finished).concat(all.filter((b) => b.finished).slice(0, 5));
    $('in-flight-empty').hidden = backups.length > 0;
    $('in-flight-list').replaceChildren(...backups.map((b) => {
      const state = b.finished ? (b.volumes.some((v) => v.state === 'FAILED') ? 'bad' : 'ok') : 'warn';
      const head = el('div', { class: 'flight-head' },
        el('strong', {}, b.namespace), el('span', { class: 'hint' }, ' · ' + (b.sourceCluster || '?') + ' · backup ' + b.backupId),
        el('span', { class: 'badge ' + state }, b.finished ? (state === 'ok' ? 'in region B' : 'failed') : 'moving'),
        el('span', { class: 'hint' }, b.percent != null ? ' ' + b.percent + '%' : '',
          b.etaSeconds != null ? ' · about ' + duration(b.etaSeconds) + ' left' : ''));
      const rows = b.volumes.map((v) => el('tr', { 'data-volume': v.pvcName, 'data-state': v.state },
        el('td', {}, v.pvcName),
        el('td', {}, el('span', { class: 'badge ' + volumeClass(v.state) }, volumeState(v))),
        el('td', {}, meter(v)),
        el('td', {}, v.bytesTotal != null ? bytes(v.bytesDone) + ' of ' + bytes(v.bytesTotal) : bytes(v.bytesDone)),
        el('td', {}, v.bytesPerSecond != null ? rate(v.bytesPerSecond) : '–'),
        el('td', {}, v.etaSeconds != null ? duration(v.etaSeconds) : '–')));
      const table = el('table', {}, el('thead', {}, el('tr', {}, ...['Volume', 'State', 'Progress', 'Bytes', 'Rate', 'Time left']
        .map((h) => el('th', { scope: 'col' }, h)))), el('tbody', {}, ...rows));
      // A backup that arrived is one line, its volumes a click away; one still moving shows them.
      if (b.finished) {
        const wasOpen = document.querySelector("#in-flight details[data-backup='" + b.backupId + "']");
        const details = el('details', { class: 'flight done', 'data-backup': b.backupId }, el('summary', {}, head), table);
        details.open = !!(wasOpen && wasOpen.open);
        return details;
      }
      return el('div', { class: 'flight', 'data-backup': b.backupId }, head, table);
    }));
  }

  const volumeClass = (state) => state === 'IN_REGION_B' ? 'ok' : state === 'FAILED' ? 'bad' : 'warn';
  function volumeState(v) {
    switch (v.state) {
      case 'TAKEN': return 'snapshot taken';
      case 'WAITING': return 'waiting: ' + v.waitingFor;
      case 'MOVING': return 'moving';
      case 'IMPORTING': return 'importing';
      case 'IN_REGION_B': return 'in region B';
      default: return 'failed';
    }
  }
  function meter(v) {
    const pct = v.percent != null ? v.percent : 0;
    const bar = el('progress', { max: 100, value: pct, className: 'bar ' + volumeClass(v.state) }, pct + '%');
    bar.setAttribute('aria-label', v.pvcName + ' ' + pct + '%');
    return el('span', { class: 'meter' }, bar, el('span', {}, v.percent != null ? ' ' + v.percent + '%' : ''));
  }

  async function showApplication(key) {
    await loadPoints();
    show('application');
    const list = points.filter((p) => appKey(p) === key);
    const [cluster, namespace] = key.split('/');
    $('application-title').textContent = namespace + ' · ' + cluster;
    $('points-table').tBodies[0].replaceChildren(...list.map((p) => el('tr', { 'data-point': p.id },
      el('td', {}, when(p.recoveryPointAt), el('div', { class: 'hint' }, age(p.recoveryPointAt) + ' ago')),
      el('td', {}, el('span', { class: 'badge ' + (p.complete ? 'ok' : 'warn') }, p.complete ? 'complete' : 'incomplete')),
      el('td', {}, p.volumes.map((v) => v.pvcName + ' (' + bytes(v.sizeBytes) + ')').join(', ')),
      el('td', {}, p.bytesMoved != null ? bytes(p.bytesMoved) : '–'),
      el('td', {}, p.complete ? el('button', { type: 'button', class: 'secondary', onclick: () => choose(p) }, 'Restore this') : ''))));
    const complete = list.filter((p) => p.complete);
    drawBackups(complete);
    choose(complete[0] || null, namespace);
    drilled = { cluster, namespace };
    $('drill-progress').replaceChildren();
    $('drill-button').disabled = false;
    await showDrills();
  }

  // ---- drills -----------------------------------------------------------------------------------------------------
  async function showDrills() {
    const { cluster, namespace } = drilled;
    let drills, schedules;
    try {
      [drills, schedules] = await Promise.all([api('GET', '/api/v1/drills?namespace=' + encodeURIComponent(namespace)),
        api('GET', '/api/v1/drill-schedules')]);
    } catch (e) {
      if (e.status !== 401) $('drill-progress').replaceChildren(problemBox(e));
      return;
    }
    const key = cluster + '/' + namespace;
    const itsSchedules = schedules.filter((s) => appKey(s) === key);
    $('drill-schedules').replaceChildren(...(itsSchedules.length ? itsSchedules.map(scheduleItem)
      : [el('li', { class: 'hint' }, 'No DrillSchedule covers this application: it is drilled when someone runs a drill here.')]));
    const itsDrills = drills.filter((d) => appKey(d) === key);
    $('drills-table').tBodies[0].replaceChildren(...itsDrills.map(drillRow));
    $('drills-empty').hidden = itsDrills.length > 0;
    return itsDrills;
  }

  function scheduleItem(s) {
    const item = el('li', { 'data-schedule': s.name }, el('strong', {}, s.name), ' every ' + (s.every || '?'),
      s.check ? ' with the check ' : ' without a check', s.check ? el('code', {}, s.check.image) : '', el('br'));
    if (!s.valid) item.append(el('span', { class: 'badge bad' }, 'invalid'), ' ' + (s.problems || []).join('; '));
    else if (s.suspend) item.append(el('span', { class: 'badge' }, 'suspended'));
    else item.append('Next drill ' + until(s.nextDrillAt) + ' (' + when(s.nextDrillAt) + ')');
    if (s.lastOutcome) {
      item.append(el('span', { class: 'hint' }, ' · last ' + s.lastOutcome + ' ' + age(s.lastDrillAt) + ' ago'));
    }
    return item;
  }

  function drillRow(d) {
    const cleanedUp = d.cleanedUp == null ? '–' : el('span', { class: 'badge ' + (d.cleanedUp ? 'ok' : 'bad') }, d.cleanedUp ? 'yes' : 'no');
    return el('tr', { 'data-drill': d.drillId, 'data-outcome': d.state },
      el('td', {}, when(d.startedAt), el('div', { class: 'hint' }, age(d.startedAt) + ' ago')),
      el('td', {}, d.trigger === 'scheduled' ? 'scheduled' : 'on demand', d.schedule ? el('div', { class: 'hint' }, d.schedule) : ''),
      el('td', {}, d.requestedBy || '–'),
      el('td', { title: d.restorePointId || '' }, d.recoveryPointAt ? when(d.recoveryPointAt) : 'none'),
      el('td', { class: 'reason' }, outcomeBadge(d),
        d.state === 'failed' ? el('div', {}, 'in step ' + d.failedStep + ' (' + d.errorCode + '): ' + d.error) : ''),
      el('td', {}, d.rtoMillis != null ? rtoText(d) : '–'),
      el('td', {}, checkText(d)), el('td', {}, cleanedUp));
  }

  function checkText(d) {
    if (!d.check) return d.state === 'running' ? '–' : el('span', { class: 'hint' }, 'none');
    const level = { succeeded: 'ok', failed: 'bad' }[d.check.outcome] || 'warn';
    return el('span', {}, el('span', { class: 'badge ' + level }, d.check.outcome), ' in ' + millis(d.check.durationMillis));
  }

  // Starts a drill of the application shown and follows it through its steps to its outcome.
  async function runDrill(event) {
    event.preventDefault();
    const image = $('check-image').value.trim();
    const command = $('check-command').value.trim();
    const body = { namespace: drilled.namespace, sourceCluster: drilled.cluster };
    if (image || command) {
      body.check = { image: image || null };
      if (command) body.check.command = ['sh', '-c', command];
    }
    const steps = body.check ? DRILL_STEPS : DRILL_STEPS.filter((s) => s !== 'check');
    const view = shown;
    $('drill-button').disabled = true;
    try {
      let drill = await api('POST', '/api/v1/drills', body);
      const began = performance.now();
      // The history lists it as it is now: the box shows the same.
      const listed = await showDrills();
      drill = (listed || []).find((d) => d.drillId === drill.drillId) || drill;
      while (drill.state === 'running') {
        renderDrill(drill, steps, performance.now() - began);
        await new Promise((r) => setTimeout(r, DRILL_POLL_MILLIS));
        if (view !== shown) return;
        drill = await api('GET', '/api/v1/drills/' + encodeURIComponent(drill.drillId));
        const row = document.querySelector("#drills-table tr[data-drill='" + drill.drillId + "']");
        if (row) row.replaceWith(drillRow(drill));
      }
      renderDrill(drill, steps);
      await showDrills();
    } catch (e) {
      if (e.status !== 401 && view === shown) $('drill-progress').replaceChildren(problemBox(e));
    } finally {
      if (view === shown) $('drill-button').disabled = false;
    }
  }

  function renderDrill(d, steps, elapsed) {
    const reached = d.state === 'running' ? steps.indexOf(d.step) : steps.length;
    const stepClass = (s, i) => {
      if (d.state === 'failed' && s === d.failedStep) return 'failed';
      if (d.state === 'failed' && s === 'cleanup') return d.cleanedUp ? 'done' : 'failed';
      if (d.state === 'failed' && i > steps.indexOf(d.failedStep)) return 'skipped';
      return i < reached ? 'done' : i === reached ? 'current' : 'todo';
    };
    let head;
    if (d.state === 'passed') {
      head = el('strong', {}, 'Drill passed in ' + millis(Date.parse(d.completedAt) - Date.parse(d.startedAt)) + ': ', rtoText(d));
    } else if (d.state === 'failed') {
      head = el('strong', {}, 'Drill failed in step ' + d.failedStep + ': ' + (d.error || d.errorCode));
    } else {
      head = el('strong', {}, 'Drilling… ' + (elapsed / 1000).toFixed(1) + ' s, step ' + d.step);
    }
    const facts = ['scratch namespace ' + (d.scratchNamespace || 'none'),
      d.recoveryPointAt ? 'restore point of ' + when(d.recoveryPointAt) : null,
      d.volumes != null ? d.volumes + (d.volumes === 1 ? ' PVC' : ' PVCs') : null,
      d.check ? 'check ' + d.check.outcome + ' in ' + millis(d.check.durationMillis) : null,
      d.cleanedUp != null ? (d.cleanedUp ? 'cleaned up' : 'NOT cleaned up: the sweep retries') : null].filter(Boolean);
    $('drill-progress').replaceChildren(el('div', { class: { passed: 'passed', failed: 'problem' }[d.state] || 'progress', id: 'drill-state',
      'data-state': d.state, 'data-drill': d.drillId, role: d.state === 'failed' ? 'alert' : 'status' }, head,
      el('ol', { class: 'steps' }, ...steps.map((s, i) => el('li', { class: stepClass(s, i) }, s))),
      el('p', { class: 'hint' }, facts.join(' · '))));
  }

  // Per complete restore point: how long its data took to reach region B (the recovery-point lag) and what it moved.
  function drawBackups(complete) {
    const chart = $('backups-chart');
    chart.replaceChildren();
    const ordered = [...complete].reverse();
    if (ordered.length < 1 || typeof uPlot === 'undefined') {
      chart.append(el('p', { class: 'hint' }, 'The chart needs a complete restore point.'));
      return;
    }
    const xs = ordered.map((p) => Date.parse(p.recoveryPointAt) / 1000);
    const lag = ordered.map((p) => (Date.parse(p.recordedAt) - Date.parse(p.recoveryPointAt)) / 1000);
    const moved = ordered.map((p) => p.bytesMoved != null ? p.bytesMoved / 1048576 : null);
    // Around the points themselves: uPlot would otherwise spread a single point over years.
    const pad = Math.max(60, (xs[xs.length - 1] - xs[0]) * 0.08);
    charts.push(new uPlot({ width: Math.max(320, chart.clientWidth || 600), height: 200,
      scales: { x: { time: true, range: () => [xs[0] - pad, xs[xs.length - 1] + pad] },
                s: { range: (u, min, max) => [0, Math.max(1, max * 1.2)] },
                mib: { range: (u, min, max) => [0, Math.max(1, max * 1.2)] } },
      series: [{},
        { label: 'recovery-point lag (s)', scale: 's', stroke: '#1f5fbf', width: 2, points: { show: true, size: 7 } },
        { label: 'moved (MiB)', scale: 'mib', stroke: '#1e7d45', fill: 'rgba(30,125,69,.12)', width: 2,
          paths: uPlot.paths.bars({ size: [0.4, 40] }), points: { show: false } }],
      axes: [{}, { scale: 's', label: 'seconds' }, { scale: 'mib', side: 1, label: 'MiB', grid: { show: false } }] },
      [xs, lag, moved], chart));
  }

  let chosen = null;
  function choose(point, namespace) {
    chosen = point;
    planned = null;
    $('start-button').disabled = true;
    $('preview').replaceChildren();
    $('restore-progress').replaceChildren();
    $('restore-point-label').textContent = point ? when(point.recoveryPointAt) + ' (' + point.id + ')' : 'none complete';
    $('preview-button').disabled = !point;
    if (namespace) $('target-namespace').value = namespace;
  }

  function restoreBody() {
    const map = {};
    for (const pair of $('storage-class-map').value.split(',').map((s) => s.trim()).filter(Boolean)) {
      const [from, to] = pair.split('=').map((s) => s.trim());
      map[from] = to;
    }
    const body = { restorePointId: chosen.id, targetNamespace: $('target-namespace').value.trim(),
      createNamespace: $('create-namespace').checked };
    if (Object.keys(map).length) body.storageClassMap = map;
    return body;
  }

  async function preview(event) {
    event.preventDefault();
    $('start-button').disabled = true;
    $('restore-progress').replaceChildren();
    const body = restoreBody();
    try {
      const plan = await api('POST', '/api/v1/restores?dryRun=true', body);
      planned = body;
      $('preview').replaceChildren(el('div', { class: 'plan', id: 'plan' },
        el('strong', {}, 'Would create in ' + plan.targetNamespace + (plan.createNamespace ? ' (created if missing)' : '') + ':'),
        el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, 'PVC'), el('th', {}, 'Storage class'), el('th', {}, 'Size'))),
          el('tbody', {}, ...plan.volumes.map((v) => el('tr', {}, el('td', {}, v.pvcName), el('td', {}, v.storageClassName || 'default'),
            el('td', {}, bytes(v.sizeBytes))))))));
      $('start-button').disabled = false;
    } catch (e) {
      if (e.status !== 401) $('preview').replaceChildren(problemBox(e));
    }
  }

  async function start() {
    if (!planned) return;
    $('start-button').disabled = true;
    const body = { ...planned, restoreId: crypto.randomUUID() };
    try {
      let restore = await api('POST', '/api/v1/restores', body);
      const began = performance.now();
      while (restore.state !== 'COMPLETED' && restore.state !== 'FAILED') {
        renderProgress(restore, performance.now() - began);
        await new Promise((r) => setTimeout(r, 500));
        restore = await api('GET', '/api/v1/restores/' + body.restoreId);
      }
      renderProgress(restore, performance.now() - began);
    } catch (e) {
      if (e.status !== 401) $('restore-progress').replaceChildren(problemBox(e));
    }
  }

  function renderProgress(restore, elapsed) {
    const done = restore.state === 'COMPLETED';
    const head = done ? 'Restore completed in ' + restore.restoreDurationMillis + ' ms'
      : restore.state === 'FAILED' ? 'Restore failed: ' + (restore.error || restore.errorCode)
      : 'Restoring… ' + (elapsed / 1000).toFixed(1) + ' s';
    $('restore-progress').replaceChildren(el('div', { class: restore.state === 'FAILED' ? 'problem' : 'progress', id: 'restore-state',
      'data-state': restore.state }, el('strong', {}, head),
      el('ul', {}, ...(restore.volumes || []).map((v) => el('li', {}, v.pvcName + ': ' + v.phase)))));
  }

  async function showFailures() {
    const failures = await api('GET', '/api/v1/failures');
    show('failures');
    $('failures-table').tBodies[0].replaceChildren(...failures.map((f) => el('tr', {},
      el('td', {}, when(f.failedAt)), el('td', {}, f.step + (f.attempts > 1 ? ' (' + f.attempts + ' attempts)' : '')),
      el('td', {}, f.pvcName ? f.namespace + '/' + f.pvcName : '–'),
      el('td', {}, el('span', { class: 'badge bad' }, f.errorCode)), el('td', { class: 'reason' }, f.reason),
      el('td', { class: 'hint' }, f.backupId ? 'backup ' + f.backupId : 'restore ' + f.restoreId))));
    $('failures-empty').hidden = failures.length > 0;
  }

  async function showRestores() {
    const restores = await api('GET', '/api/v1/restores');
    show('restores');
    $('restores-table').tBodies[0].replaceChildren(...restores.map((r) => el('tr', { 'data-restore': r.restoreId },
      el('td', {}, when(r.startedAt)), el('td', {}, r.sourceNamespace + ' · ' + when(r.recoveryPointAt)),
      el('td', {}, r.targetNamespace), el('td', {}, r.requestedBy || '–'),
      el('td', {}, el('span', { class: 'badge ' + (r.state === 'COMPLETED' ? 'ok' : r.state === 'FAILED' ? 'bad' : 'warn') }, r.state)),
      el('td', {}, r.restoreDurationMillis != null ? r.restoreDurationMillis + ' ms' : '–'))));
    $('restores-empty').hidden = restores.length > 0;
  }

  // ---- wiring -----------------------------------------------------------------------------------------------------
  $('sign-in-form').addEventListener('submit', (event) => {
    event.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, $('token').value.trim());
    $('token').value = '';
    $('sign-in-error').textContent = '';
    route();
  });
  $('restore-form').addEventListener('submit', preview);
  $('start-button').addEventListener('click', start);
  $('drill-form').addEventListener('submit', runDrill);
  ['target-namespace', 'create-namespace', 'storage-class-map'].forEach((id) => $(id).addEventListener('input', () => {
    planned = null;
    $('start-button').disabled = true;
  }));
  window.addEventListener('hashchange', route);
  route();
})();
