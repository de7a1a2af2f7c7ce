import { createTheme } from '@mui/material/styles';

/**
 * MUI's default look, made dense like SQL Server Management Studio, in a light and a dark scheme.
 * The operator's choice is kept by MUI in local storage (useColorScheme in AppHeader).
 */
export const theme = createTheme({
  cssVariables: { colorSchemeSelector: 'data' },
  colorSchemes: {
    light: {
      palette: {
        primary: { main: '#1f5fa8' },
        background: { default: '#eef0f3', paper: '#ffffff' },
      },
    },
    dark: {
      palette: {
        primary: { main: '#7fb0ec' },
        background: { default: '#15181d', paper: '#1e232a' },
      },
    },
  },
  typography: { fontSize: 13 },
  shape: { borderRadius: 3 },
  components: {
    MuiButton: { defaultProps: { size: 'small' } },
    MuiIconButton: { defaultProps: { size: 'small' } },
    MuiTextField: { defaultProps: { size: 'small', margin: 'dense' } },
    MuiFormControl: { defaultProps: { size: 'small', margin: 'dense' } },
    MuiCheckbox: { defaultProps: { size: 'small' } },
    MuiRadio: { defaultProps: { size: 'small' } },
    MuiChip: { defaultProps: { size: 'small' } },
    MuiTable: { defaultProps: { size: 'small' } },
    MuiToolbar: { defaultProps: { variant: 'dense' } },
    MuiMenuItem: { defaultProps: { dense: true } },
    MuiListItem: { defaultProps: { dense: true } },
    MuiTab: {
      styleOverrides: { root: { minHeight: 36, textTransform: 'none', paddingTop: 4, paddingBottom: 4 } },
    },
    MuiTabs: { styleOverrides: { root: { minHeight: 36 } } },
  },
});
