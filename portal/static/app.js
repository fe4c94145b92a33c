/* wijkwijzer: small, optional enhancements. Every page works without this
   file; it only makes some things smoother. No inline script is used, so
   the strict Content-Security-Policy holds. */
'use strict';
document.documentElement.classList.add('js');
