// IceFlux diagnostics page: one gathering on the server (POST /api/gather, read as a Server-Sent Events stream
// with fetch, because EventSource can only GET and the configuration holds credentials that must not go into a
// URL) and one in this browser (RTCPeerConnection), shown side by side. Plain JavaScript, no build step.
'use strict';

const servers = [];          // {urls: [url], username, credential}
let current = null;          // {abort: AbortController, pc: RTCPeerConnection, timer}

const $ = (id) => document.getElementById(id);

function renderServers() {
  const body = $('servers').tBodies[0];
  body.replaceChildren();
  servers.forEach((server, index) => {
    const row = body.insertRow();
    row.dataset.url = server.urls[0];
    row.insertCell().textContent = server.urls[0];
    row.insertCell().textContent = server.username || '';
    row.insertCell().textContent = server.credential ? '\u2022'.repeat(8) : '';
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.textContent = 'Remove';
    remove.addEventListener('click', () => { servers.splice(index, 1); renderServers(); });
    row.insertCell().appendChild(remove);
  });
}

function addServer() {
  const url = $('new-url').value.trim();
  if (!url) {
    return;
  }
  const server = {urls: [url]};
  if ($('new-username').value) server.username = $('new-username').value;
  if ($('new-credential').value) server.credential = $('new-credential').value;
  servers.push(server);
  $('new-url').value = '';
  $('new-username').value = '';
  $('new-credential').value = '';
  renderServers();
}

function numberOrNull(id) {
  const value = $(id).value.trim();
  return value === '' ? null : Number(value);
}

function configuration() {
  return {
    iceServers: servers.map((s) => Object.assign({}, s)),
    iceTransportPolicy: $('policy').value,
    rtoMillis: numberOrNull('rto'),
    maxRequests: numberOrNull('max-requests'),
    deadlineMillis: numberOrNull('deadline'),
  };
}

// One table row; every value goes in with textContent, never as HTML.
function addRow(source, row) {
  const body = $(source + '-events').tBodies[0];
  const tr = body.insertRow();
  tr.dataset.source = source;
  tr.dataset.kind = row.kind;
  if (row.candidateType) tr.dataset.candidateType = row.candidateType;
  if (row.errorCode != null) tr.dataset.errorCode = String(row.errorCode);
  if (row.url) tr.dataset.url = row.url;
  tr.className = row.kind;
  for (const value of [row.t, row.type, row.protocol, row.address, row.port, row.url, row.errorCode, row.text]) {
    tr.insertCell().textContent = value == null ? '' : String(value);
  }
}

function setVerdict(source, ok, text) {
  const verdict = $(source + '-verdict');
  verdict.textContent = text;
  verdict.dataset.done = 'true';
  verdict.dataset.ok = String(ok);
  verdict.className = 'verdict ' + (ok ? 'ok' : 'fail');
}

// ---- IceFlux side ----------------------------------------------------------------------------------------

function icefluxEvent(event) {
  switch (event.type) {
    case 'state':
      addRow('iceflux', {kind: 'state', t: event.t, type: 'state', text: event.state + ' (generation ' + event.generation + ')'});
      break;
    case 'candidate':
      addRow('iceflux', {kind: 'candidate', t: event.t, type: event.candidateType, candidateType: event.candidateType,
        protocol: event.protocol, address: event.address, port: event.port, url: event.url, text: event.candidate});
      break;
    case 'error':
      addRow('iceflux', {kind: 'error', t: event.t, type: 'error', address: event.address, port: event.port,
        url: event.url, errorCode: event.errorCode, errorText: event.errorText, text: event.errorText});
      break;
    case 'end-of-candidates':
      addRow('iceflux', {kind: 'end-of-candidates', t: event.t, type: 'end-of-candidates', text: 'generation ' + event.generation});
      break;
    case 'summary': {
      const list = $('iceflux-server-verdicts');
      list.replaceChildren();
      for (const server of event.servers) {
        const item = document.createElement('li');
        item.dataset.url = server.url;
        item.dataset.ok = String(server.ok);
        item.className = server.ok ? 'ok' : 'fail';
        item.textContent = (server.ok ? 'OK   ' : 'FAIL ') + server.url + ': ' + server.verdict;
        list.appendChild(item);
      }
      const failed = event.servers.filter((s) => !s.ok).length;
      setVerdict('iceflux', event.ok, event.ok
        ? 'Done after ' + event.t + ' ms: every server gave what its URL promises.'
        : 'Done after ' + event.t + ' ms: ' + failed + ' of ' + event.servers.length
          + ' server URL(s) did not give what the URL promises (see below; the others are not affected).');
      break;
    }
    default:
      break;
  }
}

async function gatherOnServer(config, abort) {
  let response;
  try {
    response = await fetch('api/gather', {
      method: 'POST',
      headers: {'Content-Type': 'application/json', 'Accept': 'text/event-stream'},
      body: JSON.stringify(config),
      signal: abort.signal,
    });
  } catch (e) {
    if (!abort.signal.aborted) setVerdict('iceflux', false, 'The server could not be reached: ' + e);
    return;
  }
  if (!response.ok) {
    let message = 'HTTP ' + response.status;
    try {
      const problem = await response.json();
      message += ': ' + problem.error;
    } catch (e) {
      // the body was not the JSON problem object; the status says enough
    }
    setVerdict('iceflux', false, message);
    return;
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let sawSummary = false;
  try {
    for (;;) {
      const {done, value} = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, {stream: true});
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5)).join('\n');
        if (data) {
          const event = JSON.parse(data);
          if (event.type === 'summary') sawSummary = true;
          icefluxEvent(event);
        }
      }
    }
  } catch (e) {
    if (!abort.signal.aborted) setVerdict('iceflux', false, 'The stream broke off: ' + e);
    return;
  }
  if (!sawSummary && !abort.signal.aborted) setVerdict('iceflux', false, 'The stream ended without a summary.');
}

// ---- Browser side ----------------------------------------------------------------------------------------

function gatherInBrowser(config, gathering) {
  const start = performance.now();
  const t = () => Math.round(performance.now() - start);
  const counts = {host: 0, srflx: 0, prflx: 0, relay: 0};
  const errors = [];
  let pc;
  try {
    pc = new RTCPeerConnection({iceServers: config.iceServers, iceTransportPolicy: config.iceTransportPolicy});
  } catch (e) {
    addRow('browser', {kind: 'error', t: t(), type: 'error', text: e.name + ': ' + e.message});
    setVerdict('browser', false, 'This browser rejected the configuration: ' + e.message);
    return;
  }
  gathering.pc = pc;
  const finish = (timedOut) => {
    if (gathering.browserDone) return;
    gathering.browserDone = true;
    clearTimeout(gathering.timer);
    const found = Object.entries(counts).filter(([, n]) => n > 0).map(([type, n]) => n + ' ' + type).join(', ');
    const errorText = errors.length === 0 ? 'no error'
      : errors.length + ' error(s): ' + errors.map((e) => e.errorCode + ' ' + (e.url || '')).join(', ');
    const text = (timedOut ? 'Still gathering after ' + t() + ' ms; stopped. ' : 'Complete after ' + t() + ' ms. ')
      + 'Candidates: ' + (found || 'none') + '; ' + errorText + '.';
    setVerdict('browser', !timedOut && errors.length === 0, text);
    pc.close();
  };
  pc.onicecandidate = (e) => {
    if (!e.candidate) {
      addRow('browser', {kind: 'end-of-candidates', t: t(), type: 'end-of-candidates'});
      return;
    }
    const c = e.candidate;
    if (c.type in counts) counts[c.type]++;
    addRow('browser', {kind: 'candidate', t: t(), type: c.type, candidateType: c.type, protocol: c.protocol,
      address: c.address, port: c.port, url: c.url, text: c.candidate});
  };
  pc.onicecandidateerror = (e) => {
    errors.push(e);
    addRow('browser', {kind: 'error', t: t(), type: 'error', address: e.address, port: e.port, url: e.url,
      errorCode: e.errorCode, text: e.errorText});
  };
  pc.onicegatheringstatechange = () => {
    addRow('browser', {kind: 'state', t: t(), type: 'state', text: pc.iceGatheringState});
    if (pc.iceGatheringState === 'complete') finish(false);
  };
  // Browsers time STUN out on their own schedule (about 40 s); give up a little later than that.
  gathering.timer = setTimeout(() => finish(true), 60000);
  pc.createDataChannel('iceflux-diagnostics');
  pc.createOffer()
    .then((offer) => pc.setLocalDescription(offer))
    .catch((e) => {
      addRow('browser', {kind: 'error', t: t(), type: 'error', text: e.name + ': ' + e.message});
      finish(true);
    });
}

// ---- Wiring ----------------------------------------------------------------------------------------------

function stop() {
  if (!current) return;
  current.abort.abort();
  clearTimeout(current.timer);
  if (current.pc) current.pc.close();
  current = null;
}

function gather(event) {
  event.preventDefault();
  stop();
  for (const side of ['iceflux', 'browser']) {
    $(side + '-events').tBodies[0].replaceChildren();
    const verdict = $(side + '-verdict');
    verdict.textContent = 'Gathering\u2026';
    verdict.dataset.done = 'false';
    delete verdict.dataset.ok;
    verdict.className = 'verdict';
  }
  $('iceflux-server-verdicts').replaceChildren();
  const config = configuration();
  const gathering = {abort: new AbortController(), pc: null, timer: null, browserDone: false};
  current = gathering;
  gatherOnServer(config, gathering.abort);
  gatherInBrowser(config, gathering);
}

async function load() {
  $('add-server').addEventListener('click', addServer);
  $('gather-form').addEventListener('submit', gather);
  window.addEventListener('pagehide', stop);
  try {
    const response = await fetch('api/config', {headers: {'Accept': 'application/json'}});
    const config = await response.json();
    for (const server of config.iceServers) servers.push(server);
    $('policy').value = config.iceTransportPolicy;
    $('rto').value = config.rtoMillis;
    $('max-requests').value = config.maxRequests;
    $('deadline').value = config.deadlineMillis;
    $('deadline').max = config.maxDeadlineMillis;
    $('mode').dataset.demo = String(config.demo);
    $('mode').textContent = config.demo
      ? 'Demo mode: the servers below are an embedded STUN/TURN server on the server\'s loopback (a working STUN URL, '
        + 'a working TURN URL, a TURN URL with a wrong password and a port where nothing answers). Your browser can '
        + 'reach them only when it runs on the same machine.'
      : '';
  } catch (e) {
    $('mode').textContent = 'Could not load the defaults: ' + e;
  }
  renderServers();
  document.body.dataset.ready = 'true';
}

load();
