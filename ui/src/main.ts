// Entry point: creates the page state, starts the live connection and mounts the app.
import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { AppState } from './state/app.svelte.ts';

performance.mark('cascade:start');
const app = new AppState();
app.start();
mount(App, { target: document.getElementById('app')!, props: { app } });
