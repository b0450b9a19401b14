import './base.css';
import './features.css';
import './analyst.css';
