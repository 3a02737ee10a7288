// The JavaScript API page's own code (plain browser JavaScript, no build step).
// Works before widget.js has loaded too: the stub in api.html queues these calls.
(function () {
  var log = document.getElementById('log');
  function print(name, payload) {
    var line = new Date().toLocaleTimeString() + '  ' + name + '  ' + JSON.stringify(payload);
    log.textContent = line + '\n' + log.textContent;
  }

  ['cart:updated', 'checkout:opened', 'checkout:completed', 'checkout:failed', 'stripe:connected'].forEach(function (name) {
    CheckoutBest.on(name, function (payload) {
      print(name, name === 'cart:updated' && payload ? { item_count: payload.item_count, subtotal: payload.subtotal } : payload);
    });
  });

  function on(id, fn) {
    document.getElementById(id).addEventListener('click', fn);
  }
  on('add-two', function () {
    CheckoutBest.add('ethiopia-guji', 2);
  });
  on('open', function () {
    CheckoutBest.open();
  });
  on('get-cart', function () {
    CheckoutBest.getCart().then(function (cart) {
      print('getCart()', cart);
    });
  });
  on('checkout', function () {
    CheckoutBest.checkout();
  });
  on('insert', function () {
    // Added after load: the widget's delegated click handling picks it up without any setup.
    var b = document.createElement('button');
    b.className = 'btn';
    b.type = 'button';
    b.textContent = 'Add a gift card (inserted later)';
    b.setAttribute('data-checkout-best-add', 'gift-card-25');
    document.getElementById('inserted').appendChild(b);
  });
  on('admin', function () {
    // A platform hands its logged-in merchant a fresh signed connect link; the demo serves one here.
    fetch('/demo/connect-link')
      .then(function (r) {
        return r.json();
      })
      .then(function (body) {
        CheckoutBest.openAdmin({ connectUrl: body.url });
      });
  });
})();
