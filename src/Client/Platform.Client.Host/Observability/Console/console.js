// Platform console: renders /console/snapshot, refreshed over Server-Sent Events (/console/stream).
"use strict";
(function () {
  const $ = (id) => document.querySelector(`#${id} .body`);
  const esc = (v) => String(v ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  const bytes = (n) => n >= 1048576 ? (n / 1048576).toFixed(1) + " MiB" : n >= 1024 ? (n / 1024).toFixed(1) + " KiB" : (n ?? 0) + " B";
  const hue = (s) => { let h = 0; for (const c of String(s)) h = (h * 31 + c.charCodeAt(0)) >>> 0; return h % 360; };
  const color = (s) => `hsl(${hue(s)}, 60%, 55%)`;
  const table = (cols, rows) => rows.length === 0 ? '<p class="muted">none</p>' :
    `<table><thead><tr>${cols.map((c) => `<th>${esc(c)}</th>`).join("")}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join("")}</tr>`).join("")}</tbody></table>`;
  const failed = (p) => p && !Array.isArray(p) && p.error !== undefined;
  const panel = (id, data, render) => { $(id).innerHTML = failed(data) ? `<p class="error">${esc(data.error)}</p>` : render(data || []); };
  const statusClass = (s) => s === "Active" || s === "passing" || s === "completed" ? "ok" : s === "Dead" || s === "critical" || s === "needsAttention" || s === "needs-attention" ? "bad" : "warn";
  const eventClass = (k) => k === "joined" || k === "active" ? "ok" : k === "dead" ? "bad" : "warn";
  let previous = null;

  // A Raft replica: role and lag; a quorum or multi-leader replica: its Merkle root and hinted handoff queues.
  const replica = (r) => `${r.replica}@${esc(r.silo)} ${esc(r.role)} ${esc(r.lag)}` +
    (r.merkleRoot ? ` <span class="muted">merkle ${esc(String(r.merkleRoot).slice(0, 8))} hints ${esc(r.hintsHeld ?? 0)}/${esc(r.pendingOutgoing ?? 0)}</span>` : "");

  function ring(ns) {
    const size = 150, r = 60, c = size / 2, w = 18;
    let angle = -Math.PI / 2, arcs = "";
    for (const s of ns.map || []) {
      const share = s.ownership ?? (1 / Math.max(1, ns.shards));
      const a0 = angle, a1 = angle + Math.max(share, 0.0001) * 2 * Math.PI; angle = a1;
      const large = a1 - a0 > Math.PI ? 1 : 0;
      const p = (a) => `${(c + r * Math.cos(a)).toFixed(2)} ${(c + r * Math.sin(a)).toFixed(2)}`;
      arcs += `<path d="M ${p(a0)} A ${r} ${r} 0 ${large} 1 ${p(a1)}" stroke="${color(s.silo)}" stroke-width="${w}" fill="none"><title>shard ${s.shard} on ${esc(s.silo)}: ${(share * 100).toFixed(1)}% of the ring, ${s.keys} keys</title></path>`;
    }
    return `<svg width="${size}" height="${size}" viewBox="0 0 ${size} ${size}" role="img" aria-label="ring of ${esc(ns.name)}">${arcs}` +
      `<text x="${c}" y="${c}" text-anchor="middle" dominant-baseline="middle" font-size="12">${ns.shards} shards</text></svg>`;
  }

  function render(s) {
    const dash = document.getElementById("dashboard");
    if (s.dashboard) { dash.hidden = false; dash.href = s.dashboard; }
    panel("cluster", s.cluster, (c) => `<p>cluster <b>${esc(c.clusterId)}</b>${c.embedded ? " (embedded silo)" : ""}</p>` +
      table(["silo", "name", "status", "gateway", "activations", "last I-am-alive", "suspicions"], (c.silos || []).map((x) => [esc(x.address), esc(x.name), `<span class="${statusClass(x.status)}">${esc(x.status)}</span>`, esc(x.gateway), esc(x.activations), esc(x.lastIAmAlive), x.suspicions ? `<span class="warn">${x.suspicions}</span>` : "0"])) +
      `<h3>Failure detection and membership events</h3>` +
      table(["at", "silo", "event", "by", "time from"], (c.events || []).map((e) => [esc(e.at), `${esc(e.silo)} <span class="muted">${esc(e.name)}</span>`,
        `<span class="${eventClass(e.kind)}" data-event="${esc(e.kind)}" data-silo="${esc(e.silo)}">${esc(e.kind)}</span>`, esc(e.by), esc(e.source)])) +
      `<h3>Activations by grain type</h3><p class="muted">${Object.entries(c.activationsByType || {}).map(([k, v]) => `${esc(k)} ${v}`).join(" · ") || "none"}</p>`);
    panel("namespaces", s.namespaces, (list) => list.length === 0 ? '<p class="muted">no namespaces</p>' : list.map((ns) => {
      const silos = [...new Set((ns.map || []).map((x) => x.silo))];
      const replicated = (ns.map || []).some((x) => x.replicas);
      return `<div class="ns" data-namespace="${esc(ns.name)}">${ring(ns)}<div><h3>${esc(ns.name)}</h3>` +
        `<p class="muted">${ns.shards} shards${ns.transactional ? " · transactional" : ""}${ns.replicated ? " · replicated" : ""}</p>` +
        `<p class="legend">${silos.map((x) => `<span><i class="swatch" style="background:${color(x)}"></i>${esc(x)}</span>`).join("")}</p>` +
        table(["shard", "silo", "keys", "bytes", "ring share"].concat(replicated ? ["leader", "term", "replicas (role lag)"] : []), (ns.map || []).map((x) => [x.shard, esc(x.silo), x.keys, bytes(x.bytes), ((x.ownership ?? 0) * 100).toFixed(1) + "%"]
          .concat(replicated ? [esc(x.leader), esc(x.term), (x.replicas || []).map(replica).join(", ")] : []))) + "</div></div>";
    }).join(""));
    panel("locks", s.locks, (list) => table(["kind", "name", "holders (token)", "queue", "last token"], list.map((l) => [esc(l.kind), `<span data-lock="${esc(l.name)}">${esc(l.name)}</span>`, (l.holders || []).map((h) => `${esc(h.owner)} (${h.token})`).join(", ") || '<span class="muted">free</span>', l.queue, l.lastToken])));
    const counters = s.counters || {};
    const rate = (name) => previous && previous.counters && previous.at ? (((counters[name] || 0) - (previous.counters[name] || 0)) / Math.max(0.001, (Date.parse(s.at) - Date.parse(previous.at)) / 1000)).toFixed(1) + "/s" : "";
    $("transactions").innerHTML = table(["counter", "total", "rate"], Object.keys(counters).filter((k) => /txn|operations|grants|expiries|produced|consumed|hits|misses/.test(k)).map((k) => [esc(k), counters[k], rate(k)]));
    panel("topics", s.topics, (list) => table(["topic", "partitions", "records", "end offsets"], list.map((t) => [esc(t.name), t.partitions, t.records, t.latest])));
    panel("groups", s.groups, (list) => table(["group", "generation", "members", "lag"], list.map((g) => [esc(g.name), g.generation, g.members, `<span class="${g.lag > 0 ? "warn" : "ok"}">${g.lag}</span>`])));
    panel("sagas", s.sagas, (list) => table(["instance", "definition", "state", "step", "history (latest)"], list.map((x) => [esc(x.id), esc(x.definition), `<span class="${statusClass(x.state)}">${esc(x.state)}</span>`, esc(x.step), (x.history || []).map((a) => `${esc(a.phase)} ${esc(a.step)}#${a.attempt} ${a.succeeded ? "✓" : "✗"}`).join(", ")])));
    panel("caches", s.caches, (list) => table(["cache", "entries", "bytes", "hit ratio", "evictions"], list.map((x) => [esc(x.name), x.entries, bytes(x.bytes), x.hitRatio === null || x.hitRatio === undefined ? "–" : (x.hitRatio * 100).toFixed(1) + "%", x.evictions])));
    panel("services", s.services, (list) => table(["service", "instances (health)"], list.map((x) => [esc(x.name), (x.instances || []).map((i) => `${esc(i.id)} <span class="${statusClass(i.health)}">${esc(i.health)}</span>`).join(", ")])));
    document.getElementById("status").textContent = "updated " + new Date(s.at).toLocaleTimeString();
    previous = s;
  }

  // First paint from one snapshot, then live: the stream sends one snapshot per connection and the browser
  // reconnects after the server's retry interval, so no request stays open.
  fetch("/console/snapshot").then((r) => r.json()).then(render).catch((e) => { document.getElementById("status").textContent = "snapshot failed: " + e; })
    .finally(() => {
      const events = new EventSource("/console/stream?count=1");
      events.addEventListener("snapshot", (e) => render(JSON.parse(e.data)));
    });
})();
