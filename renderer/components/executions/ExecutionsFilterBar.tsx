import FilterAltOffIcon from '@mui/icons-material/FilterAltOff';
import Autocomplete from '@mui/material/Autocomplete';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import ListItemText from '@mui/material/ListItemText';
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useMemo } from 'react';
import type { FolderInfo } from '../../../master-core/protocol/api';
import {
  EMPTY_FILTERS,
  hasFilters,
  SEARCH_MAX,
  STATUS_FILTER_OPTIONS,
  TIME_RANGES,
} from '../../state/executionsQuery';
import type { ExecutionFilters, FilterErrors, TimeRange } from '../../state/executionsQuery';
import { statusName } from '../../state/statusDisplay';

interface ExecutionsFilterBarProps {
  filters: ExecutionFilters;
  onChange: (filters: ExecutionFilters) => void;
  errors: FilterErrors;
  /** Suggestions for folder, project and package (any name can be typed: old executions outlive projects). */
  folders: readonly FolderInfo[];
  workerNames: readonly string[];
  /** Why the suggestions could not be loaded, if they could not. */
  suggestionsError: string | null;
}

const unique = (names: Iterable<string>) => [...new Set(names)].sort((a, b) => a.localeCompare(b));
const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** A text filter with suggestions; whatever is typed is the filter (exact, any case). */
function NameFilter(props: {
  label: string;
  value: string;
  options: readonly string[];
  testId: string;
  width: number;
  onChange: (value: string) => void;
}) {
  return (
    <Autocomplete
      freeSolo
      size="small"
      options={props.options}
      inputValue={props.value}
      onInputChange={(_e, value) => props.onChange(value)}
      sx={{ width: props.width }}
      renderInput={(params) => (
        <TextField
          {...params}
          label={props.label}
          slotProps={{
            ...params.slotProps,
            htmlInput: { ...params.slotProps.htmlInput, 'data-testid': props.testId },
          }}
        />
      )}
    />
  );
}

/** The All Executions report's filters: status, where it ran from, who, when, and a search. */
export function ExecutionsFilterBar({
  filters,
  onChange,
  errors,
  folders,
  workerNames,
  suggestionsError,
}: ExecutionsFilterBarProps) {
  const set = <K extends keyof ExecutionFilters>(key: K, value: ExecutionFilters[K]) =>
    onChange({ ...filters, [key]: value });

  const suggestions = useMemo(() => {
    const inFolder = folders.filter((f) => !filters.folderName.trim() || same(f.name, filters.folderName));
    const projects = inFolder.flatMap((f) => f.projects);
    const inProject = projects.filter(
      (p) => !filters.projectName.trim() || same(p.name, filters.projectName),
    );
    return {
      folders: unique(folders.map((f) => f.name)),
      projects: unique(projects.map((p) => p.name)),
      packages: unique(inProject.flatMap((p) => p.packages.map((k) => k.name))),
    };
  }, [folders, filters.folderName, filters.projectName]);

  return (
    <Box
      sx={{ display: 'flex', flexWrap: 'wrap', alignItems: 'flex-start', gap: 1, px: 1, pt: 1, pb: 0.5 }}
      role="search"
      aria-label="Execution filters"
    >
      <TextField
        select
        size="small"
        label="Status"
        value={filters.statuses}
        sx={{ width: 180 }}
        slotProps={{
          select: {
            multiple: true,
            renderValue: (selected) => (selected as number[]).map(statusName).join(', '),
          },
          htmlInput: { 'data-testid': 'executions-filter-status' },
        }}
        onChange={(e) => {
          const value = e.target.value as unknown as number[] | string;
          set('statuses', typeof value === 'string' ? [] : value);
        }}
      >
        {STATUS_FILTER_OPTIONS.map((status) => (
          <MenuItem key={status} value={status} data-testid={`executions-filter-status-${status}`}>
            <Checkbox size="small" checked={filters.statuses.includes(status)} sx={{ p: 0.25, mr: 1 }} />
            <ListItemText primary={statusName(status)} />
          </MenuItem>
        ))}
      </TextField>
      {(
        [
          ['Folder', 'folderName', suggestions.folders, 140],
          ['Project', 'projectName', suggestions.projects, 160],
          ['Package', 'packageName', suggestions.packages, 160],
          ['Worker', 'workerName', unique(workerNames), 140],
        ] as const
      ).map(([label, key, options, width]) => (
        <NameFilter
          key={key}
          label={label}
          value={filters[key]}
          options={options}
          testId={`executions-filter-${label.toLowerCase()}`}
          width={width}
          onChange={(v) => set(key, v)}
        />
      ))}
      <TextField
        size="small"
        label="Caller"
        value={filters.createdBy}
        onChange={(e) => set('createdBy', e.target.value)}
        sx={{ width: 120 }}
        slotProps={{ htmlInput: { 'data-testid': 'executions-filter-caller' } }}
      />
      <TextField
        select
        size="small"
        label="Created"
        value={filters.timeRange}
        onChange={(e) => set('timeRange', e.target.value as TimeRange)}
        sx={{ width: 150 }}
        slotProps={{ htmlInput: { 'data-testid': 'executions-filter-time' } }}
      >
        {TIME_RANGES.map((r) => (
          <MenuItem key={r.value} value={r.value} data-testid={`executions-filter-time-${r.value}`}>
            {r.label}
          </MenuItem>
        ))}
      </TextField>
      {filters.timeRange === 'custom' && (
        <>
          <TextField
            size="small"
            type="datetime-local"
            label="From"
            value={filters.customFrom}
            onChange={(e) => set('customFrom', e.target.value)}
            error={Boolean(errors.customFrom)}
            helperText={errors.customFrom}
            slotProps={{
              inputLabel: { shrink: true },
              htmlInput: { 'data-testid': 'executions-filter-from' },
            }}
          />
          <TextField
            size="small"
            type="datetime-local"
            label="To"
            value={filters.customTo}
            onChange={(e) => set('customTo', e.target.value)}
            error={Boolean(errors.customTo)}
            helperText={errors.customTo}
            slotProps={{ inputLabel: { shrink: true }, htmlInput: { 'data-testid': 'executions-filter-to' } }}
          />
        </>
      )}
      <TextField
        size="small"
        type="search"
        label="Search"
        placeholder="ID, folder, project or package"
        value={filters.search}
        onChange={(e) => set('search', e.target.value)}
        error={Boolean(errors.search)}
        helperText={errors.search}
        sx={{ width: 220 }}
        slotProps={{ htmlInput: { 'data-testid': 'executions-search', maxLength: SEARCH_MAX + 1 } }}
      />
      {hasFilters(filters) && (
        <Button
          size="small"
          startIcon={<FilterAltOffIcon />}
          onClick={() => onChange(EMPTY_FILTERS)}
          sx={{ mt: 0.5 }}
          data-testid="executions-clear-filters"
        >
          Clear filters
        </Button>
      )}
      {suggestionsError && (
        <Typography variant="caption" color="text.secondary" sx={{ width: '100%' }}>
          {`Name suggestions unavailable: ${suggestionsError}`}
        </Typography>
      )}
    </Box>
  );
}
