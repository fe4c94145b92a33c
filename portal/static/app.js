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

/* Focus the error summary so screen readers announce it. */
var summary = document.querySelector('.error-summary');
if (summary) summary.focus();

/* Print buttons: only useful with JavaScript, so hidden without it. */
document.querySelectorAll('[data-print]').forEach(function (b) {
	b.hidden = false;
	b.addEventListener('click', function () { window.print(); });
});

/* The quick exit of the safety question: leave and replace this page in
   the history, so the back button does not bring it back. */
document.querySelectorAll('[data-quick-exit]').forEach(function (a) {
	a.addEventListener('click', function (e) {
		e.preventDefault();
		window.location.replace(a.href);
	});
});

/* Live availability: a form or notice with data-live-location listens on
   the WebSocket channel and updates as slots are taken or released. */
(function () {
	var el = document.querySelector('[data-live-location]');
	if (!el || !('WebSocket' in window)) return;
	var scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
	var ws;
	var status = document.querySelector('.live-status');
	function connect() {
		ws = new WebSocket(scheme + location.host + '/ws', 'wijkwijzer.v1');
		ws.onopen = function () {
			ws.send(JSON.stringify({ type: 'subscribe', location: el.dataset.liveLocation,
				date: el.dataset.liveDate, topic: el.dataset.liveTopic || undefined }));
		};
		ws.onmessage = function (ev) {
			var msg;
			try { msg = JSON.parse(ev.data); } catch (e) { return; }
			if (msg.type !== 'slots') return;
			if (el.dataset.liveReload !== undefined) {
				/* the staff agenda: say that something changed */
				if (el.dataset.seen) { el.textContent = el.dataset.liveReload; el.hidden = false; }
				el.dataset.seen = '1';
				return;
			}
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
		ws.onclose = function () { setTimeout(connect, 5000); };
	}
	connect();
})();
