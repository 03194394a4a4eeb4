import { bootstrapApplication } from '@angular/platform-browser';
import { appConfig } from './app/app.config';
import { App } from './app/app';
import { preloadEntryChunk } from './app/app.routes';
import { showStartupError } from './app/core/startup-error';

// The landing page's lazy chunk downloads while Angular starts (the router would ask for it after).
preloadEntryChunk(location.pathname);

bootstrapApplication(App, appConfig).catch((error: unknown) => {
  console.error(error);
  showStartupError(document);
});
