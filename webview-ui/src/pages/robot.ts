// The robot page (src/webviews/robotPanel.ts is its host).
import '../base.css';
import { html, render } from 'lit';
import { isMessage, isObject, isString } from '../../../src/webviews/protocol';
import { connect } from '../host';

const app = document.getElementById('app') as HTMLElement;
const accepts = isMessage({ init: { name: isString } });
connect(accepts, isObject({}), (message) => {
  render(html`<h1>${message.name}</h1>`, app);
  app.removeAttribute('aria-busy');
});
