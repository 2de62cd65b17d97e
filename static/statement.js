// Bank statement import: pick the CSV file instead of pasting it. The file is
// read in the browser into the same text field the form posts; without
// JavaScript the field is pasted into by hand.
(function () {
  var field = document.getElementById('statement');
  var holder = document.getElementById('statement-file-holder');
  if (!field || !holder || !window.FileReader) return;
  var label = document.createElement('label');
  label.htmlFor = 'statement-file';
  label.textContent = 'Or choose the CSV file your bank exported';
  var input = document.createElement('input');
  input.type = 'file';
  input.id = 'statement-file';
  input.accept = '.csv,text/csv,text/plain';
  input.addEventListener('change', function () {
    var file = input.files && input.files[0];
    if (!file) return;
    var reader = new FileReader();
    reader.onload = function () { field.value = String(reader.result); field.focus(); };
    reader.readAsText(file);
  });
  holder.appendChild(label);
  holder.appendChild(input);
  holder.hidden = false;
})();
