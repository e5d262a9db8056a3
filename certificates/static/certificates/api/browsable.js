// The browsable API's forms ask for HTML above JSON, so that a refused request answers as a page;
// DRF's own header ranks them equally, and equal ranks get problem+json (contract section 8).
$.ajaxPrefilter(function (settings) {
  if (settings.headers && settings.headers.Accept) {
    settings.headers.Accept = "text/html, */*;q=0.9";
  }
});
