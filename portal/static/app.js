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
