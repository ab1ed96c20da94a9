// Waymark's offline first contact: what is typed and the photo are kept on this device, encrypted,
// and sent when there is signal, each under its own Idempotency-Key so that a resend makes nothing.
//
// The records' key is derived (HKDF) from two halves: a random device key, non-extractable, kept in
// IndexedDB, and the key the server gives the user signed in, kept only for this browser session.
// A lost phone without the session holds ciphertext and a key that opens nothing by itself.
'use strict';
(() => {
  const DB = 'waymark-offline';
  const SESSION = 'waymark-offline-key';
  const HOUR = 3600 * 1000;
  const KEPT = 72 * HOUR; // an unsent record is deleted from the device after this
  const WARN = 48 * HOUR; // and warned of from this
  const RETRY = 4000;
  const MAX_PHOTO = 12 * 1024 * 1024;

  const $ = (id) => document.getElementById(id);
  const status = $('offline-status');
  const form = $('offline-form');
  const list = $('waiting');
  const none = $('waiting-none');
  let session = null; // { key: Uint8Array, user: string }
  let sending = false;

  const say = (text, kind) => {
    status.textContent = text;
    status.className = 'panel' + (kind ? ' ' + kind : '');
  };

  const b64 = {
    enc(buf) {
      const b = new Uint8Array(buf);
      let s = '';
      for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode.apply(null, b.subarray(i, i + 0x8000));
      return btoa(s);
    },
    dec: (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0)),
  };

  // --- IndexedDB: 'keys' holds the device key, 'records' the sealed records ---
  const open = () => new Promise((resolve, reject) => {
    const r = indexedDB.open(DB, 1);
    r.onupgradeneeded = () => {
      r.result.createObjectStore('keys');
      r.result.createObjectStore('records', { keyPath: 'id' });
    };
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  const store = async (name, mode, fn) => {
    const db = await open();
    return new Promise((resolve, reject) => {
      const t = db.transaction(name, mode);
      const req = fn(t.objectStore(name));
      t.oncomplete = () => { db.close(); resolve(req && req.result); };
      t.onerror = t.onabort = () => { db.close(); reject(t.error); };
    });
  };
  const records = async () => (await store('records', 'readonly', (s) => s.getAll())).filter((r) => session && r.user === session.user);
  const put = (rec) => store('records', 'readwrite', (s) => s.put(rec));
  const del = (id) => store('records', 'readwrite', (s) => s.delete(id));

  // --- keys ---
  const deviceKey = async () => {
    let k = await store('keys', 'readonly', (s) => s.get('device'));
    if (!k) {
      k = await crypto.subtle.importKey('raw', crypto.getRandomValues(new Uint8Array(32)), 'HKDF', false, ['deriveKey']);
      await store('keys', 'readwrite', (s) => s.put(k, 'device'));
    }
    return k;
  };
  const recordKey = async () => crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: session.key, info: new TextEncoder().encode('waymark offline records v1') },
    await deviceKey(), { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  const seal = async (obj) => {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const data = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, await recordKey(), new TextEncoder().encode(JSON.stringify(obj)));
    return { iv, data };
  };
  const unseal = async (rec) => JSON.parse(new TextDecoder().decode(
    await crypto.subtle.decrypt({ name: 'AES-GCM', iv: rec.iv }, await recordKey(), rec.data)));
  const reseal = async (rec, body, state) => {
    Object.assign(rec, await seal(body), { state });
    await put(rec);
  };

  // unlock gets this user's key from the server, or the one kept for this browser session when
  // there is no signal; false when there is neither.
  const unlock = async () => {
    try {
      const res = await fetch('/api/v1/offline/key', { credentials: 'same-origin', headers: { Accept: 'application/json' } });
      const j = await res.json().catch(() => ({}));
      if (res.ok) {
        sessionStorage.setItem(SESSION, JSON.stringify(j));
      } else {
        sessionStorage.removeItem(SESSION);
        say((j.error && j.error.message) || 'Sign in while you have signal to keep records on this device.', 'incomplete');
        return false;
      }
    } catch (e) {
      // no signal: the key kept for this session, if any
    }
    const kept = sessionStorage.getItem(SESSION);
    if (!kept) {
      say('This device has no key for this session: sign in while you have signal, then open this page again.', 'incomplete');
      return false;
    }
    const j = JSON.parse(kept);
    session = { key: b64.dec(j.key), user: j.user };
    return true;
  };

  const localNow = () => {
    const d = new Date();
    d.setMinutes(d.getMinutes() - d.getTimezoneOffset());
    return d.toISOString().slice(0, 16);
  };

  // --- keeping a record ---
  const keep = async (ev) => {
    if (!session) return; // no key: the form posts as it does without script
    ev.preventDefault();
    const button = $('keep');
    if (button.disabled) return; // a double tap keeps one record
    button.disabled = true;
    try {
      const fd = new FormData(form);
      const fields = {};
      for (const [k, v] of fd.entries()) {
        if (k !== 'photo') (fields[k] = fields[k] || []).push(v);
      }
      if (!fields.at || !fields.at[0]) fields.at = [localNow()];
      const file = fd.get('photo');
      const named = ['given_names', 'family_name'].some((k) => fields[k] && fields[k][0].trim());
      if (!named && !(file && file.size)) { // an empty tap keeps nothing
        say('Give at least a name or a photo: nothing was kept.', 'incomplete');
        form.elements.given_names.focus();
        return;
      }
      let photo = '';
      if (file && file.size) {
        if (file.size > MAX_PHOTO) {
          say('The photo is larger than 12 MB: take it again at a lower resolution. Nothing was kept.', 'incomplete');
          return;
        }
        photo = b64.enc(await file.arrayBuffer());
      }
      await reseal({ id: crypto.randomUUID(), user: session.user, created: Date.now() }, { fields, photo }, 'waiting');
      form.reset();
      form.elements.at.value = localNow();
      say('Kept on this device, encrypted. It is sent by itself when there is signal.');
      await render();
      send();
    } finally {
      button.disabled = false;
    }
  };

  // --- sending ---
  const send = async () => {
    if (sending || !session) return;
    sending = true;
    try {
      for (const rec of await records()) {
        if (rec.state !== 'waiting') continue;
        let body;
        try { body = await unseal(rec); } catch (e) { continue; } // kept under another key: not this session's to send
        let res;
        try {
          res = await fetch('/api/v1/offline/records', {
            method: 'POST', credentials: 'same-origin',
            headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'Idempotency-Key': rec.id },
            body: JSON.stringify({ fields: body.fields, photo: body.photo || undefined, decision: body.decision || '' }),
          });
        } catch (e) {
          say('No signal: what is kept here is sent when there is.');
          break;
        }
        const j = await res.json().catch(() => ({}));
        if (res.status === 401) {
          say('Your session has ended: sign in again to send what this device keeps. Nothing is lost.', 'incomplete');
          break;
        }
        if (!res.ok) {
          body.refused = (j.error && ((j.error.fields || []).map((f) => f.message).join('; ') || j.error.message)) || 'The record was refused.';
          await reseal(rec, body, 'refused');
          continue;
        }
        if (j.matches && j.matches.length) {
          body.matches = j.matches;
          await reseal(rec, body, 'decide');
          say('A record kept here may be a child recorded since: decide below.', 'incomplete');
          continue;
        }
        await del(rec.id);
        const what = j.again ? 'sent before: it is recorded once' : j.created
          ? (body.decision === 'new' ? 'recorded as a new child, as you decided' : 'recorded: no child recorded before matched')
          : 'recorded as a contact with the child you chose';
        say('Sent: ' + what + '.');
        sent(body.fields, what, j.child_id);
      }
    } finally {
      sending = false;
      await render();
    }
  };

  // sent lists a record sent from this page, with a link to what it made.
  const sent = (f, what, childID) => {
    const li = el('li', [f.given_names && f.given_names[0], f.family_name && f.family_name[0]].filter(Boolean).join(' ') + ': ' + what + ' — ');
    const a = el('a', 'open the record');
    a.href = '/children/' + encodeURIComponent(childID);
    li.append(a);
    $('sent').append(li);
    $('sent-title').hidden = false;
  };

  const decide = async (rec, decision) => {
    const body = await unseal(rec);
    body.decision = decision;
    delete body.matches;
    await reseal(rec, body, 'waiting');
    send();
  };

  const putBack = async (rec) => {
    const body = await unseal(rec);
    for (const [k, vs] of Object.entries(body.fields)) {
      if (form.elements[k] && form.elements[k].type !== 'file') form.elements[k].value = vs[0];
    }
    await del(rec.id);
    say(body.photo ? 'The record is back in the form: correct it, take the photo again, and keep it.' : 'The record is back in the form: correct it and keep it.', 'incomplete');
    await render();
    form.elements.given_names.focus();
  };

  // --- the list of what is kept ---
  const el = (tag, text, cls) => {
    const e = document.createElement(tag);
    if (text) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  };
  const button = (text, fn, cls) => {
    const b = el('button', text, cls);
    b.type = 'button';
    b.addEventListener('click', fn);
    return b;
  };

  // render lists what is kept, built aside and put in place at once: the list is never seen empty
  // while it is read again.
  const render = async () => {
    const items = [];
    const now = Date.now();
    let shown = 0;
    for (const rec of session ? await records() : []) {
      if (now - rec.created > KEPT) { // unsent for 72 hours: not kept any longer
        await del(rec.id);
        continue;
      }
      let body = null;
      try { body = await unseal(rec); } catch (e) { /* another key: not this session's */ }
      const f = (body && body.fields) || {};
      const who = [f.given_names && f.given_names[0], f.family_name && f.family_name[0]].filter(Boolean).join(' ') || 'No name given';
      const li = el('li');
      li.append(el('p', (body ? who : 'A record this session cannot read') + ' — kept ' + new Date(rec.created).toLocaleString()));
      if (now - rec.created > WARN) {
        li.append(el('p', 'Not sent yet: deleted from this device in ' + Math.ceil((KEPT - (now - rec.created)) / HOUR) + ' hours unless sent. Find signal.', 'field-error'));
      }
      if (body && rec.state === 'refused') {
        li.append(el('p', 'Refused: ' + body.refused, 'field-error'), button('Put back in the form to correct', () => putBack(rec), 'secondary'));
      }
      if (body && rec.state === 'decide') {
        li.append(el('p', 'Children recorded since may be this child. Is it one of them?'));
        for (const m of body.matches) {
          const label = (m.name ? m.name + ', ' : '') + 'reference ' + m.ref + ' (' + m.band + ' match, held by ' + m.owner + ')';
          li.append(button('This is the child: ' + label, () => decide(rec, m.child_id)));
        }
        li.append(button('None of them: record a new child', () => decide(rec, 'new'), 'secondary'));
      }
      items.push(li);
      shown++;
    }
    list.replaceChildren(...items);
    none.hidden = shown > 0;
    $('waiting-title').textContent = shown ? 'Kept on this device (' + shown + ')' : 'Kept on this device';
  };

  // --- signing out ---
  const wipe = async () => {
    const n = session ? (await records()).length : 0;
    if (!window.confirm(n ? 'This device keeps ' + n + ' record(s) not yet sent. Sign out and delete them?' : 'Sign out and delete what this device keeps?')) return;
    sessionStorage.removeItem(SESSION);
    await new Promise((resolve) => {
      const r = indexedDB.deleteDatabase(DB);
      r.onsuccess = r.onerror = r.onblocked = resolve;
    });
    $('signout-form').submit();
  };

  const start = async () => {
    if (!window.crypto || !crypto.subtle || !window.indexedDB || !window.sessionStorage) {
      say('This browser cannot keep records safely with no signal: the form saves the record at once, while connected.', 'incomplete');
      return;
    }
    if ('serviceWorker' in navigator) {
      navigator.serviceWorker.register('/offline/sw.js', { scope: '/offline/' }).catch(() => {});
    }
    $('wipe').addEventListener('click', wipe);
    if (!form.elements.at.value) form.elements.at.value = localNow();
    if (await unlock()) {
      $('keep').textContent = 'Keep on this device';
      form.addEventListener('submit', keep);
      say('Ready: records are kept on this device, encrypted, and sent by themselves when there is signal.');
    }
    await render();
    send();
    setInterval(send, RETRY);
    window.addEventListener('online', send);
  };

  start();
})();
