// Browser script islands, served from /static (CSP allows only same-origin scripts, never
// inline). ES5 on purpose: the WeChat browser on an old Android phone must run it as written.

/** Read-aloud: every `[data-speak]` button is hidden in the HTML and shown only when the browser
 * can speak (speechSynthesis), so a phone without it never sees a button that does nothing. */
export const READ_ALOUD_JS = `(function(){
var s=window.speechSynthesis;
if(!s||typeof window.SpeechSynthesisUtterance!=='function')return;
var bs=document.querySelectorAll('[data-speak]');
for(var i=0;i<bs.length;i++){(function(b){
b.hidden=false;
b.addEventListener('click',function(){
s.cancel();
var u=new window.SpeechSynthesisUtterance(b.getAttribute('data-speak')||'');
u.lang='zh-CN';u.rate=0.8;
s.speak(u);
});
})(bs[i]);}
})();
`;
