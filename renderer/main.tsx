import CssBaseline from '@mui/material/CssBaseline';
import { ThemeProvider } from '@mui/material/styles';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { takeStartupConnection } from './connection/browserConnection';
import { theme } from './theme';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');

// Read (and hide) the token before anything renders.
const initialConnection = takeStartupConnection();

createRoot(container).render(
  <StrictMode>
    <ThemeProvider theme={theme}>
      <CssBaseline />
      <App initialConnection={initialConnection} />
    </ThemeProvider>
  </StrictMode>,
);
