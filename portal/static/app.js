/* wijkwijzer: small, optional enhancements. Every page works without this
   file; it only makes some things smoother. No inline script is used, so
   the strict Content-Security-Policy holds. */
'use strict';
document.documentElement.classList.add('js');

/* "Use my location": fills the hidden lat/lon fields of the form and
   submits it. The position goes only to our own server, in the query. */
document.querySelectorAll('.use-location').forEach(function (button) {
	if (!('geolocation' in navigator)) return;
	button.hidden = false;
	var form = button.form;
	var status = document.createElement('p');
	status.setAttribute('role', 'status');
	status.className = 'hint';
	button.after(status);
	button.addEventListener('click', function () {
		status.textContent = button.dataset.busy;
		navigator.geolocation.getCurrentPosition(function (pos) {
			form.elements.lat.value = pos.coords.latitude.toFixed(5);
			form.elements.lon.value = pos.coords.longitude.toFixed(5);
			form.elements.postcode.value = '';
			form.submit();
		}, function () {
			status.textContent = button.dataset.denied;
			form.elements.postcode.focus();
		}, { timeout: 10000, maximumAge: 600000 });
	});
});

/* Focus the error summary so screen readers announce it. A fragment in
   the address (the editor's forms post to #their-part) makes Chromium
   clear the focus once the page has loaded, when its target cannot take
   the focus: the summary takes it back then. */
var summary = document.querySelector('.error-summary');
if (summary) {
	summary.focus();
	if (location.hash)
		window.addEventListener('load', function () {
			if (document.activeElement === document.body) summary.focus();
		});
}

/* A receipt (?bon=1) prints itself once it has loaded (on a kiosk
   Chromium's --kiosk-printing sends it to the receipt printer without a
   dialog) and then goes back to the page it came from, where the kiosk
   bar and Stoppen are. Without JavaScript its "Terug" button does that. */
(function () {
	var slip = document.querySelector('[data-autoprint]');
	if (!slip) return;
	function printAndBack() {
		window.print();
		var back = slip.dataset.back;
		var from = document.referrer && document.referrer.indexOf(location.origin + '/') === 0;
		if (from && history.length > 1) history.back();
		else if (back) location.replace(back);
	}
	if (document.readyState === 'complete') setTimeout(printAndBack, 0);
	else window.addEventListener('load', function () { setTimeout(printAndBack, 0); });
})();

/* Print buttons: only useful with JavaScript, so hidden without it. */
document.querySelectorAll('[data-print]').forEach(function (b) {
	b.hidden = false;
	b.addEventListener('click', function () { window.print(); });
});

/* The self-check is one entry in the history: its links and its postcode
   form (data-replace) replace the page instead of adding one, so the back
   button leaves the check at once and the quick exit below, which
   replaces that one entry, leaves nothing of it behind. Without this
   script they are plain links and a plain form. A click with a modifier
   or another button (a new tab or window) is left to the browser. */
document.addEventListener('click', function (e) {
	if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
	var a = e.target && e.target.closest ? e.target.closest('a[data-replace]') : null;
	if (!a) return;
	e.preventDefault();
	window.location.replace(a.href);
});
document.querySelectorAll('form[data-replace]').forEach(function (form) {
	if (!window.fetch || !window.URLSearchParams || !window.FormData) return;
	form.addEventListener('submit', function (e) {
		e.preventDefault();
		/* the server answers with a 303 to the next step: go there in
		   place of this page; anything else is shown as a plain post */
		fetch(form.action, { method: 'POST', body: new URLSearchParams(new FormData(form)),
			credentials: 'same-origin', cache: 'no-store' }).then(function (r) {
			if (r.ok && r.redirected) window.location.replace(r.url);
			else form.submit();
		}, function () { form.submit(); });
	});
});

/* The quick exit of the safety question: leave and replace this page in
   the history, so the back button does not bring it back. */
document.querySelectorAll('[data-quick-exit]').forEach(function (a) {
	a.addEventListener('click', function (e) {
		e.preventDefault();
		window.location.replace(a.href);
	});
});

/* "In welke taal?" only when an interpreter is asked for: a field with
   data-shown-with follows its check box (without JavaScript it is shown,
   with a hint that it is only needed then). */
document.querySelectorAll('[data-shown-with]').forEach(function (field) {
	var box = document.getElementById(field.dataset.shownWith);
	if (!box) return;
	var sync = function () { field.hidden = !box.checked; };
	box.addEventListener('change', sync);
	sync();
});

/* Switching language on a form page keeps what was typed: the form is
   posted to the same step in the other language (wijzig=ja: shown again,
   not checked), so nothing typed goes into a URL. */
document.querySelectorAll('.lang-switch a').forEach(function (a) {
	a.addEventListener('click', function (e) {
		var form = document.querySelector('form[data-lang-keep]');
		var lang = (a.getAttribute('href') || '').split('/')[1];
		if (!form || !/^[a-z]{2}$/.test(lang)) return;
		e.preventDefault();
		form.setAttribute('action', form.getAttribute('action').replace(/^\/[a-z]{2}\//, '/' + lang + '/'));
		if (!form.querySelector('input[name="wijzig"]')) {
			var w = document.createElement('input');
			w.type = 'hidden'; w.name = 'wijzig'; w.value = 'ja';
			form.appendChild(w);
		}
		form.submit();
	});
});

/* A staff page fetches itself after a live message. Marked (ververs=1)
   so it counts neither as activity for the idle timeout nor as opening
   the page in the audit trail; a redirect means the session ended: the
   page loads itself again, which shows the login. */
function liveFetch() {
	var url = new URL(location.href);
	url.searchParams.set('ververs', '1');
	return fetch(url, { credentials: 'same-origin', cache: 'no-store' }).then(function (r) {
		if (r.redirected) { location.reload(); throw new Error('logged out'); }
		if (!r.ok) throw new Error(String(r.status));
		return r.text();
	});
}

/* Live availability: a form or notice with data-live-location listens on
   the WebSocket channel and updates as slots are taken or released. The
   staff agenda uses the same socket: after staff_hello with the wijkwijzer it
   shows (the server checks the staff session's cookie and account) it hears that its day changed, and the
   kiosks of its wijkwijzer calling for staff. */
(function () {
	var el = document.querySelector('[data-live-location]');
	if (!el || !('WebSocket' in window)) return;
	var calls = document.querySelector('[data-staff-calls]');
	var scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
	var ws;
	var status = document.querySelector('.live-status');
	function connect() {
		ws = new WebSocket(scheme + location.host + '/ws', 'wijkwijzer.v1');
		ws.onopen = function () {
			/* the agenda's changes are told only to a staff session of
			   that wijkwijzer (its cookie came with the handshake) */
			if (el.dataset.liveAgenda !== undefined || calls) ws.send(JSON.stringify({ type: 'staff_hello', location: el.dataset.liveLocation }));
			ws.send(JSON.stringify({ type: 'subscribe', location: el.dataset.liveLocation,
				date: el.dataset.liveDate, topic: el.dataset.liveTopic || undefined }));
		};
		ws.onmessage = function (ev) {
			var msg;
			try { msg = JSON.parse(ev.data); } catch (e) { return; }
			if (msg.type === 'staff_ended') {
				/* logged out, turned off or a new password: the page asks
				   for a login again if it must */
				location.reload();
				return;
			}
			if (msg.type === 'agenda_changed' && el.dataset.liveAgenda !== undefined) {
				refreshAgenda();
				return;
			}
			if (msg.type === 'callbacks_changed' && el.dataset.liveAgenda !== undefined) {
				refreshCallbacksLink();
				return;
			}
			if (calls && msg.type === 'staff_ready') calls.dataset.ready = '1';
			if (calls && msg.type === 'staff_call') {
				/* {"type":"staff_call","terminal":ID,"time":"HH:MM"}, on top
				   of the notice list, an aria-live region */
				var list = calls.querySelector('ul'), li = document.createElement('li');
				li.textContent = calls.dataset.template.replace('%1$s', msg.time).replace('%2$s', msg.terminal);
				list.insertBefore(li, list.firstChild);
				while (list.children.length > 5) list.removeChild(list.lastChild);
				calls.classList.add('has-calls');
				return;
			}
			if (msg.type !== 'slots') return;
			if (el.dataset.liveAgenda !== undefined) return; /* the agenda follows agenda_changed */
			var free = {};
			msg.slots.forEach(function (s) { free[s.start.slice(0, 16)] = s.free; });
			el.querySelectorAll('.time-choice').forEach(function (c) {
				var input = c.querySelector('input');
				var taken = free[input.value] === 0;
				if (taken && !input.disabled && status)
					status.textContent = c.querySelector('label').textContent + ' \u2013 ' + (status.dataset.taken || '');
				input.disabled = taken;
				c.classList.toggle('taken', taken);
				if (taken) input.checked = false;
			});
		};
		ws.onclose = function () {
			if (calls) delete calls.dataset.ready;
			setTimeout(connect, 5000);
		};
	}
	/* The staff agenda: the message says only that the day changed; the
	   rows and blocks come from the page itself (the staff session's
	   cookie), one fetch at a time, and replace the old ones. A form being
	   used is left alone: the reload notice instead. */
	var fetching = false, again = false;
	function refreshAgenda() {
		if (fetching) { again = true; return; }
		fetching = true;
		liveFetch().then(function (text) {
			var doc = new DOMParser().parseFromString(text, 'text/html');
			var focusInRows = document.activeElement && document.activeElement.closest &&
				document.activeElement.closest('#agenda-rows, #agenda-blocks');
			if (focusInRows) throw new Error('busy');
			['agenda-rows', 'agenda-blocks'].forEach(function (id) {
				var fresh = doc.getElementById(id), old = document.getElementById(id);
				if (!fresh || !old) return;
				var before = {};
				old.querySelectorAll('tr[id]').forEach(function (tr) { before[tr.id] = tr.dataset.status + tr.textContent; });
				old.replaceWith(fresh);
				fresh.querySelectorAll('tr[id]').forEach(function (tr) {
					if (before[tr.id] !== tr.dataset.status + tr.textContent) tr.classList.add('live-changed');
				});
			});
			el.textContent = el.dataset.liveAgenda;
			el.hidden = false;
		}).catch(function () {
			el.textContent = el.dataset.liveReload;
			el.hidden = false;
		}).then(function () {
			fetching = false;
			if (again) { again = false; refreshAgenda(); }
		});
	}
	/* the agenda's "Terugbelverzoeken (N open)" follows the inbox */
	function refreshCallbacksLink() {
		var old = document.getElementById('callbacks-link');
		if (!old) return;
		liveFetch().then(function (text) {
			var fresh = new DOMParser().parseFromString(text, 'text/html').getElementById('callbacks-link');
			var now = document.getElementById('callbacks-link');
			if (fresh && now) now.replaceWith(fresh);
		}).catch(function () {});
	}
	connect();
})();

/* The call-back inbox: after staff_hello the server tells this page when
   a request of its wijkwijzer is new or changed (callbacks_changed, no
   details); the page fetches itself with the staff cookie and swaps both
   lists, and says "Nieuw terugbelverzoek" in its live region when one
   came in. While a note is being typed the swap waits until the field
   is left. */
(function () {
	var el = document.querySelector('[data-live-callbacks]');
	if (!el || !('WebSocket' in window)) return;
	var scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
	var fetching = false, again = false;
	function ids(root) {
		var out = {};
		if (root) root.querySelectorAll('li[id]').forEach(function (li) { out[li.id] = true; });
		return out;
	}
	function busy() {
		var a = document.activeElement;
		return a && a.closest && a.closest('#callbacks-open, #callbacks-handled') && a.tagName === 'INPUT';
	}
	function refresh() {
		if (fetching || busy()) { again = true; return; }
		fetching = true;
		liveFetch().then(function (text) {
			var doc = new DOMParser().parseFromString(text, 'text/html');
			var before = ids(document.getElementById('callbacks-open'));
			var isNew = false;
			['callbacks-open', 'callbacks-handled'].forEach(function (id) {
				var fresh = doc.getElementById(id), old = document.getElementById(id);
				if (!fresh || !old) return;
				old.replaceWith(fresh);
				if (id === 'callbacks-open')
					fresh.querySelectorAll('li[id]').forEach(function (li) {
						if (!before[li.id] && li.dataset.status === 'open') {
							li.classList.add('live-changed');
							isNew = true;
						}
					});
			});
			el.textContent = isNew ? el.dataset.liveNew : el.dataset.liveUpdated;
			el.hidden = false;
		}).catch(function () {
			el.textContent = el.dataset.liveReload;
			el.hidden = false;
		}).then(function () {
			fetching = false;
			if (again && !busy()) { again = false; refresh(); }
		});
	}
	document.addEventListener('focusout', function () {
		setTimeout(function () { if (again && !busy()) { again = false; refresh(); } }, 0);
	});
	function connect() {
		var ws = new WebSocket(scheme + location.host + '/ws', 'wijkwijzer.v1');
		ws.onopen = function () { ws.send(JSON.stringify({ type: 'staff_hello', location: el.dataset.liveCallbacks })); };
		ws.onmessage = function (ev) {
			var msg;
			try { msg = JSON.parse(ev.data); } catch (e) { return; }
			if (msg.type === 'staff_ready') el.dataset.ready = '1';
			if (msg.type === 'callbacks_changed' && msg.location === el.dataset.liveCallbacks) refresh();
			if (msg.type === 'staff_ended') location.reload(); /* logged out elsewhere, or turned off */
		};
		ws.onclose = function () {
			delete el.dataset.ready;
			setTimeout(connect, 5000);
		};
	}
	connect();
})();

/* ---- kiosk mode ---------------------------------------------------------
   Only on touch terminals (the server adds .kiosk-bar). The terminal's
   settings and all texts come from data attributes, already translated. */
/* "Lees voor" (kiosk bar, or the header at home): the server speaks the
   page in its language. One page is spoken at a time for everyone: when
   the server says "busy", ask again a few seconds later. */
var stopReading = (function () {
	var audio = null, button = null, label = '';
	function stop() {
		if (audio) audio.pause();
		audio = null;
		if (button) button.textContent = label;
	}
	document.querySelectorAll('[data-read-aloud]').forEach(function (b) {
		b.hidden = false;
		b.addEventListener('click', function () {
			if (audio) { stop(); return; }
			button = b;
			label = b.textContent;
			var tries = 0;
			var speak = function () {
				var a = new Audio('/lees-voor.wav?pad=' + encodeURIComponent(location.pathname + location.search));
				audio = a;
				a.addEventListener('ended', function () { if (audio === a) stop(); });
				a.play().catch(function () {
					if (audio !== a) return; /* stopped meanwhile */
					if (++tries < 4) setTimeout(function () { if (audio === a) speak(); }, 3000);
					else stop();
				});
			};
			speak();
			b.textContent = b.dataset.stopLabel;
		});
	});
	return stop;
})();

(function () {
	var bar = document.querySelector('.kiosk-bar');
	if (!bar) return;
	var terminal = bar.dataset.kiosk;
	var idleSeconds = Math.max(5, parseInt(bar.dataset.idle, 10) || 90);
	var countdownSeconds = Math.max(20, parseInt(bar.dataset.countdown, 10) || 20);
	var startUrl = bar.dataset.start;
	var root = document.documentElement;

	/* The first page of a session remembers where history starts. After
	   a reset it navigates once more, so the browser drops every later
	   entry: nothing of the previous person stays in the history. */
	if (document.body.hasAttribute('data-kiosk-start')) {
		if (sessionStorage.getItem('kioskResetting') === '1') {
			sessionStorage.removeItem('kioskResetting');
			var fresh = startUrl + (startUrl.indexOf('?') < 0 ? '?' : '&') + 'n=' + Date.now();
			location.assign(fresh);
			return;
		}
		sessionStorage.setItem('kioskBase', String(history.length));
	}

	/* no browser memory of what is typed */
	document.querySelectorAll('form, input, textarea').forEach(function (el) {
		el.setAttribute('autocomplete', 'off');
	});

	/* display switches, kept for this person only */
	['high-contrast', 'text-large'].forEach(function (name) {
		if (sessionStorage.getItem(name) === '1') root.classList.add(name);
	});
	bar.querySelectorAll('[data-toggle]').forEach(function (b) {
		var name = b.dataset.toggle;
		b.hidden = false;
		b.setAttribute('aria-pressed', root.classList.contains(name) ? 'true' : 'false');
		b.addEventListener('click', function () {
			var on = root.classList.toggle(name);
			b.setAttribute('aria-pressed', on ? 'true' : 'false');
			sessionStorage.setItem(name, on ? '1' : '0');
		});
	});

	/* "Roep een medewerker": sent in the background; the status line
	   says someone is coming (also when called a moment ago, 429) */
	var call = bar.querySelector('[data-call-staff]');
	var callStatus = bar.querySelector('.kiosk-call-status');
	if (call && window.fetch) {
		call.addEventListener('submit', function (e) {
			e.preventDefault();
			var button = call.querySelector('button');
			button.disabled = true;
			fetch(call.action, { method: 'POST', credentials: 'same-origin', cache: 'no-store',
				body: new URLSearchParams(new FormData(call)) }).then(function (r) {
				var ok = r.status === 200 || r.status === 429;
				callStatus.textContent = ok ? call.dataset.sent : call.dataset.failed;
				callStatus.classList.toggle('sent', ok);
				setTimeout(function () { button.disabled = false; }, ok ? 60000 : 3000);
			}, function () {
				callStatus.textContent = call.dataset.failed;
				button.disabled = false;
			});
		});
	}

	/* the session on the server */
	var ws = null, resetAck = null;
	try {
		ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws', 'wijkwijzer.v1');
		ws.onopen = function () { ws.send(JSON.stringify({ type: 'kiosk_hello', terminal: terminal })); };
		ws.onmessage = function (ev) {
			var msg;
			try { msg = JSON.parse(ev.data); } catch (e) { return; }
			if (msg.type === 'kiosk_reset_done' && resetAck) resetAck();
		};
	} catch (e) { ws = null; }

	var resetting = false;
	function reset() {
		if (resetting) return;
		resetting = true;
		stopReading();
		document.querySelectorAll('form').forEach(function (f) { f.reset(); });
		var done = function () {
			var base = parseInt(sessionStorage.getItem('kioskBase'), 10) || 0;
			try { sessionStorage.clear(); localStorage.clear(); } catch (e) {}
			if (window.caches) caches.keys().then(function (ks) { ks.forEach(function (k) { caches.delete(k); }); });
			sessionStorage.setItem('kioskResetting', '1');
			var delta = base ? base - history.length : 0;
			if (delta < 0) history.go(delta);
			else location.replace(startUrl);
		};
		var timer = setTimeout(done, 1500);
		resetAck = function () { clearTimeout(timer); done(); };
		if (ws && ws.readyState === 1) ws.send(JSON.stringify({ type: 'kiosk_reset' }));
		else { clearTimeout(timer); done(); }
	}
	bar.querySelector('.kiosk-stop').addEventListener('click', function (e) { e.preventDefault(); reset(); });

	/* "Bent u er nog?" after the terminal's idle time */
	var dialog = document.querySelector('.idle-dialog');
	var text = dialog.querySelector('#idle-text');
	var idleTimer = null, tick = null, left = 0;
	function armIdle() {
		clearTimeout(idleTimer);
		idleTimer = setTimeout(askStillThere, idleSeconds * 1000);
	}
	function askStillThere() {
		left = countdownSeconds;
		text.textContent = text.dataset.template.replace('%d', left);
		if (dialog.showModal) dialog.showModal(); else dialog.setAttribute('open', '');
		dialog.querySelector('[data-idle-continue]').focus();
		tick = setInterval(function () {
			left -= 1;
			text.textContent = text.dataset.template.replace('%d', left);
			if (left <= 0) { clearInterval(tick); reset(); }
		}, 1000);
	}
	dialog.querySelector('[data-idle-continue]').addEventListener('click', function () {
		clearInterval(tick);
		dialog.close ? dialog.close() : dialog.removeAttribute('open');
		armIdle();
	});
	dialog.querySelector('[data-idle-stop]').addEventListener('click', function () { clearInterval(tick); reset(); });
	dialog.addEventListener('cancel', function (e) { e.preventDefault(); });
	['pointerdown', 'keydown', 'input', 'scroll', 'touchstart'].forEach(function (ev) {
		document.addEventListener(ev, function () { if (!dialog.open) armIdle(); }, { passive: true, capture: true });
	});
	armIdle();

	/* on-screen keyboard: terminals have no physical keyboard */
	var osk = document.querySelector('.osk');
	var target = null, shift = false;
	var rows = {
		letters: ['1234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm-\'', 'éëèïöüáç@.'],
		postcode: ['123', '456', '789', '0', 'abcdefghijklm', 'nopqrstuvwxyz'],
		phone: ['123', '456', '789', '+0']
	};
	function layoutFor(input) {
		if (input.type === 'tel' || input.inputMode === 'tel') return 'phone';
		if (input.autocomplete === 'postal-code' || input.name === 'postcode' || input.name === 'pc') return 'postcode';
		return 'letters';
	}
	function key(label, action, cls) {
		var b = document.createElement('button');
		b.type = 'button';
		b.className = 'osk-key' + (cls ? ' ' + cls : '');
		b.textContent = label;
		b.addEventListener('pointerdown', function (e) { e.preventDefault(); });
		b.addEventListener('click', function (e) { e.preventDefault(); action(); });
		return b;
	}
	function insert(text) {
		if (!target) return;
		var s = target.selectionStart == null ? target.value.length : target.selectionStart;
		var e = target.selectionEnd == null ? target.value.length : target.selectionEnd;
		if (target.maxLength > 0 && target.value.length - (e - s) + text.length > target.maxLength) return;
		target.setRangeText(text, s, e, 'end');
		target.dispatchEvent(new Event('input', { bubbles: true }));
	}
	function build(kind) {
		osk.textContent = '';
		osk.dataset.layout = kind;
		rows[kind].forEach(function (row) {
			var r = document.createElement('div');
			r.className = 'osk-row';
			Array.from(row).forEach(function (ch) {
				var c = shift ? ch.toUpperCase() : ch;
				r.appendChild(key(c, function () { insert(c); if (shift) { shift = false; build(kind); } }));
			});
			osk.appendChild(r);
		});
		var last = document.createElement('div');
		last.className = 'osk-row';
		if (kind === 'letters')
			last.appendChild(key(osk.dataset.shift, function () { shift = !shift; build(kind); }, 'wide'));
		if (kind !== 'phone')
			last.appendChild(key(osk.dataset.space, function () { insert(' '); }, 'space'));
		last.appendChild(key(osk.dataset.back, function () {
			if (!target) return;
			var s = target.selectionStart, e = target.selectionEnd;
			if (s === e && s > 0) s -= 1;
			target.setRangeText('', s, e, 'end');
			target.dispatchEvent(new Event('input', { bubbles: true }));
		}, 'wide'));
		last.appendChild(key(osk.dataset.done, function () { hide(); }, 'wide done'));
		osk.appendChild(last);
	}
	function show(input) {
		target = input;
		build(layoutFor(input));
		osk.hidden = false;
		document.body.style.paddingBottom = osk.offsetHeight + 'px';
		/* the field stays in sight above the keyboard */
		input.scrollIntoView({ block: 'center' });
		var r = input.getBoundingClientRect();
		var top = window.innerHeight - osk.offsetHeight;
		if (r.bottom > top) window.scrollBy(0, r.bottom - top + 16);
	}
	function hide() {
		osk.hidden = true;
		document.body.style.paddingBottom = '';
		if (target) target.blur();
		target = null;
	}
	document.addEventListener('focusin', function (e) {
		var el = e.target;
		if (el.matches && el.matches('input[type="text"], input[type="search"], input[type="tel"], input[type="email"], input:not([type]), textarea')) {
			el.setAttribute('inputmode', 'none');
			show(el);
		}
	});
	document.addEventListener('pointerdown', function (e) {
		if (!osk.hidden && !osk.contains(e.target) && e.target !== target) hide();
	});
})();
